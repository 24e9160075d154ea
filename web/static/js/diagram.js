/* What the bpmn-js viewers share (case page, process versions, heatmap): loading a BPMN file
   into a viewer, and the buttons that choose a file and zoom. No inline script: the CSP allows
   only files. */
(function () {
  "use strict";

  /* Fetch a BPMN file and draw it: then ``drawn()``, or ``failed(attribute)`` naming the
     container's message for what went wrong ("data-no-diagram" or "data-failed"). The container
     is aria-busy meanwhile and data-ready after. */
  function load(viewer, container, url, drawn, failed) {
    quiet(container);
    container.setAttribute("aria-busy", "true");
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.text();
      })
      .then(function (xml) {
        return viewer.importXML(xml);
      })
      .then(drawn)
      .catch(function (error) {
        var text = String((error && error.message) || "");
        failed(text.indexOf("no diagram") !== -1 ? "data-no-diagram" : "data-failed");
      })
      .then(function () {
        container.removeAttribute("aria-busy");
        container.setAttribute("data-ready", "true");
      });
  }

  /* The container is a named group whose label says what the drawing shows and where the same
     information is in text; bpmn-js's drawing surface and its bpmn.io link would be two tab
     stops that do nothing for a keyboard user (the zoom buttons do the moving), and the
     drawing's loose labels are noise to a screen reader: out of the tab order and hidden. The
     link stays visible and clickable (bpmn.io's licence). */
  function quiet(container) {
    var svg = container.querySelector(".djs-container > svg");
    if (svg) {
      svg.setAttribute("tabindex", "-1");
      svg.setAttribute("aria-hidden", "true");
    }
    var link = container.querySelector(".bjs-powered-by");
    if (link) {
      link.setAttribute("tabindex", "-1");
    }
  }

  /* Buttons that pick one of several diagrams: the pressed one is marked, ``show(button)``. */
  function bindChoices(choices, show) {
    choices.forEach(function (button) {
      button.addEventListener("click", function () {
        choices.forEach(function (other) {
          other.setAttribute("aria-pressed", other === button ? "true" : "false");
        });
        show(button);
      });
    });
  }

  /* The [data-zoom] buttons: "in", "out", "fit" and "actual" (100%). */
  function bindZoom(viewer) {
    Array.prototype.slice.call(document.querySelectorAll("[data-zoom]")).forEach(function (button) {
      button.addEventListener("click", function () {
        var canvas = viewer.get("canvas");
        var how = button.getAttribute("data-zoom");
        if (how === "fit") {
          canvas.zoom("fit-viewport", "auto");
        } else if (how === "actual") {
          canvas.zoom(1, "auto");
        } else {
          canvas.zoom(canvas.zoom() * (how === "in" ? 1.25 : 0.8));
        }
      });
    });
  }

  window.TerugkeerDiagram = { load: load, bindChoices: bindChoices, bindZoom: bindZoom };
})();
