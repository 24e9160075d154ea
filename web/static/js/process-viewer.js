/* A process version's diagrams: bpmn-js viewer (served from npm under /vendor/), one BPMN file
   at a time. No inline script: the CSP allows only files. */
(function () {
  "use strict";

  var container = document.getElementById("process-diagram");
  if (!container) {
    return;
  }

  var message = document.createElement("p");
  message.className = "diagram-message";
  message.hidden = true;
  container.appendChild(message);

  /* A message instead of the drawing; the viewer stays in place for the next file. */
  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
    container.classList.toggle("diagram-says", Boolean(text));
  }

  if (!window.BpmnJS || !window.fetch || !window.TerugkeerDiagram) {
    say(container.getAttribute("data-failed"));
    return;
  }

  var viewer = new window.BpmnJS({ container: container });
  var choices = Array.prototype.slice.call(document.querySelectorAll(".diagram-choice"));
  var editLink = document.getElementById("diagram-edit");
  /* A large model fitted into the box is too small to read: then start at a readable zoom in
     its left edge, level with the start event; "Passend maken" shows it whole. */
  function readable() {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= 0.6) {
      return;
    }
    canvas.zoom(0.75);
    var box = canvas.viewbox();
    var start = viewer.get("elementRegistry").filter(function (element) {
      return element.type === "bpmn:StartEvent";
    })[0];
    var y = start ? start.y + start.height / 2 - box.height / 2 : box.inner.y - 20;
    canvas.viewbox({ x: box.inner.x - 20, y: y, width: box.width, height: box.height });
  }

  function show(button) {
    if (editLink) {
      editLink.setAttribute("href", button.getAttribute("data-edit"));
    }
    window.TerugkeerDiagram.load(viewer, container, button.getAttribute("data-url"), function () {
      say("");
      readable();
    }, function (message) {
      say(container.getAttribute(message));
    });
  }

  window.TerugkeerDiagram.bindChoices(choices, show);
  window.TerugkeerDiagram.bindZoom(viewer);

  if (choices.length) {
    show(choices[0]);
  }
})();
