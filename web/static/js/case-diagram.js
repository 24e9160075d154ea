/* The case page's process diagram: bpmn-js viewer (served from npm under /vendor/), with the
   case's completed, active and failed elements marked (the case page and the incident console). No inline script: the CSP allows only files. */
(function () {
  "use strict";

  var container = document.getElementById("case-diagram");
  if (!container) {
    return;
  }

  function say(text) {
    container.textContent = "";
    var message = document.createElement("p");
    message.className = "diagram-message";
    message.textContent = text;
    container.appendChild(message);
  }

  if (!window.BpmnJS || !window.fetch || !window.TerugkeerDiagram) {
    say(container.getAttribute("data-failed"));
    return;
  }

  var READABLE_ZOOM = 0.8;
  var highlights = JSON.parse(container.getAttribute("data-highlights") || "{}");
  var viewer = new window.BpmnJS({ container: container });
  var choices = Array.prototype.slice.call(document.querySelectorAll(".diagram-choice"));

  function mark() {
    var registry = viewer.get("elementRegistry");
    var canvas = viewer.get("canvas");
    (highlights.done || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "tk-done");
      }
    });
    (highlights.active || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "tk-active");
      }
    });
    (highlights.error || []).forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, "tk-error");
      }
    });
  }

  /* A large model fitted into the box is too small to read: then zoom in on where the case is
     now (the first active element), or where it was last (the last done element). */
  function focusOnWork() {
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= READABLE_ZOOM) {
      return;
    }
    var inDiagram = function (id) {
      return Boolean(registry.get(id));
    };
    var id = (highlights.error || []).filter(inDiagram)[0] ||
      (highlights.active || []).filter(inDiagram)[0] ||
      (highlights.done || []).filter(inDiagram).slice(-1)[0];
    var element = id ? registry.get(id) : null;
    if (!element) {
      return;
    }
    canvas.zoom(READABLE_ZOOM);
    var box = canvas.viewbox();
    canvas.viewbox({
      x: element.x + element.width / 2 - box.width / 2,
      y: element.y + element.height / 2 - box.height / 2,
      width: box.width,
      height: box.height
    });
  }

  function show(button) {
    window.TerugkeerDiagram.load(viewer, container, button.getAttribute("data-url"), function () {
      mark();
      focusOnWork();
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
