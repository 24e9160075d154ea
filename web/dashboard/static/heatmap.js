/* The bottleneck heatmap: the process model in the bpmn-js viewer (served from npm under
   /vendor/), each step coloured by how many cases are there now, how long its work takes, or how
   many are overdue, with the number in a badge (diagram-js overlays). Clicking a step shows it per
   organisation. No inline script or style: the CSP allows only files. */
(function () {
  "use strict";

  var container = document.getElementById("heatmap");
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

  var heat = JSON.parse(container.getAttribute("data-heat") || "{}");
  var explanation = document.getElementById("heat-explanation");
  var viewer = new window.BpmnJS({ container: container });
  var mode = "open";
  var LEVELS = 5;
  var READABLE_ZOOM = 0.9;
  var marked = [];

  function format(value) {
    if (value === null || value === undefined) {
      return "";
    }
    if (mode !== "lead50") {
      return String(value);
    }
    if (value < 1) {
      return Math.round(value * 60) + " " + container.getAttribute("data-minutes");
    }
    if (value < 48) {
      return (Math.round(value * 10) / 10).toLocaleString(document.documentElement.lang) + " " +
        container.getAttribute("data-hours");
    }
    return (Math.round(value / 2.4) / 10).toLocaleString(document.documentElement.lang) + " " +
      container.getAttribute("data-days");
  }

  function level(value, highest) {
    if (!value || !highest) {
      return 0;
    }
    return Math.max(1, Math.ceil((value / highest) * LEVELS));
  }

  function paint() {
    var registry = viewer.get("elementRegistry");
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    marked.forEach(function (item) {
      if (registry.get(item[0])) {
        canvas.removeMarker(item[0], item[1]);
      }
    });
    marked = [];
    overlays.remove({ type: "heat" });
    var shown = Object.keys(heat).filter(function (id) {
      return Boolean(registry.get(id));
    });
    var highest = 0;
    shown.forEach(function (id) {
      highest = Math.max(highest, heat[id][mode] || 0);
    });
    shown.forEach(function (id) {
      var value = heat[id][mode];
      var step = level(value, highest);
      var marker = "tk-heat-" + step;
      canvas.addMarker(id, marker);
      marked.push([id, marker]);
      if (!value) {
        return;
      }
      var badge = document.createElement("span");
      badge.className = "heat-badge heat-badge-" + step;
      badge.textContent = format(value);
      badge.title = heat[id].name + ": " + format(value);
      overlays.add(id, "heat", { position: { top: -10, left: -10 }, html: badge });
    });
    if (explanation) {
      explanation.textContent = explanation.getAttribute("data-" + mode) || "";
    }
  }

  /* A large model fitted into the box is too small to read: then show the part where the heat
     is (every coloured step), as large as fits, up to a readable zoom. */
  function focusOnHeat() {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= READABLE_ZOOM) {
      return;
    }
    var registry = viewer.get("elementRegistry");
    var hot = marked.filter(function (item) {
      return item[1] !== "tk-heat-0";
    }).map(function (item) {
      return registry.get(item[0]);
    }).filter(function (element) {
      return element && element.width;
    });
    if (!hot.length) {
      return;
    }
    var left = Math.min.apply(null, hot.map(function (e) { return e.x; }));
    var top = Math.min.apply(null, hot.map(function (e) { return e.y; }));
    var right = Math.max.apply(null, hot.map(function (e) { return e.x + e.width; }));
    var bottom = Math.max.apply(null, hot.map(function (e) { return e.y + e.height; }));
    var size = canvas.getSize();
    var margin = 80;
    var scale = Math.min(
      size.width / (right - left + 2 * margin),
      size.height / (bottom - top + 2 * margin),
      READABLE_ZOOM
    );
    if (scale <= canvas.zoom()) {
      return;
    }
    var width = size.width / scale;
    var height = size.height / scale;
    canvas.viewbox({
      x: (left + right) / 2 - width / 2,
      y: (top + bottom) / 2 - height / 2,
      width: width,
      height: height
    });
  }

  function show(button) {
    marked = [];
    window.TerugkeerDiagram.load(viewer, container, button.getAttribute("data-url"), function () {
      paint();
      focusOnHeat();
    }, function () {
      say(container.getAttribute("data-failed"));
    });
  }

  viewer.on("element.click", function (event) {
    var id = event.element && event.element.id;
    if (!id || !heat[id] || event.element.type === "bpmn:CallActivity") {
      return;
    }
    var target = new URL(container.getAttribute("data-split-url"), window.location.href);
    target.searchParams.set("stap", id);
    target.hash = "split-title";
    window.location.assign(target.toString());
  });

  var choices = Array.prototype.slice.call(document.querySelectorAll(".diagram-choice"));
  window.TerugkeerDiagram.bindChoices(choices, show);
  window.TerugkeerDiagram.bindZoom(viewer);

  var modes = Array.prototype.slice.call(document.querySelectorAll(".heat-mode"));
  modes.forEach(function (button) {
    button.addEventListener("click", function () {
      mode = button.getAttribute("data-mode");
      modes.forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      paint();
    });
  });

  if (choices.length) {
    show(choices[0]);
  }
})();
