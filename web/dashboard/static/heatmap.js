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
  var READABLE_ZOOM = 1;
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
    legend(highest);
  }

  /* The value range of each colour for the current mode, in the legend. A step's level is
     ceil(value / highest * LEVELS), so level k holds values above (k-1)/LEVELS of the highest
     up to k/LEVELS of it. */
  function legend(highest) {
    var ranges = document.querySelectorAll("#heat-legend [data-level]");
    Array.prototype.slice.call(ranges).forEach(function (range) {
      var k = Number(range.getAttribute("data-level"));
      var low = (highest * (k - 1)) / LEVELS;
      var high = (highest * k) / LEVELS;
      var text;
      if (!highest) {
        text = "–";
      } else if (mode === "lead50") {
        text = format(low) ? "> " + format(low) + " – " + format(high) : "≤ " + format(high);
      } else {
        var from = Math.floor(low) + 1;
        var to = Math.floor(high);
        text = from > to ? "–" : (from === to ? String(to) : from + "–" + to);
      }
      range.textContent = text;
      /* A colour no step can have (fewer distinct counts than colours) is left out. */
      range.parentNode.hidden = Boolean(highest) && text === "–";
    });
  }

  function hotElements() {
    var registry = viewer.get("elementRegistry");
    return marked.filter(function (item) {
      return item[1] !== "tk-heat-0";
    }).map(function (item) {
      return registry.get(item[0]);
    }).filter(function (element) {
      return element && element.width && heat[element.id] && heat[element.id][mode];
    }).sort(function (a, b) {
      return heat[b.id][mode] - heat[a.id][mode];
    });
  }

  /* Open on the busiest part at a readable size: the hottest step first, then the next hottest
     as long as all chosen still fit in the box at a readable zoom; centred on them. When the
     whole model is readable fitted, it is shown whole. */
  function focusOnHeat() {
    var canvas = viewer.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= READABLE_ZOOM) {
      return;
    }
    var size = canvas.getSize();
    var margin = 60;
    var room = { width: size.width / READABLE_ZOOM, height: size.height / READABLE_ZOOM };
    var box = null;
    hotElements().forEach(function (element) {
      var next = box ? {
        left: Math.min(box.left, element.x),
        top: Math.min(box.top, element.y),
        right: Math.max(box.right, element.x + element.width),
        bottom: Math.max(box.bottom, element.y + element.height)
      } : {
        left: element.x,
        top: element.y,
        right: element.x + element.width,
        bottom: element.y + element.height
      };
      if (!box || (next.right - next.left + 2 * margin <= room.width &&
          next.bottom - next.top + 2 * margin <= room.height)) {
        box = next;
      }
    });
    if (!box) {
      return;
    }
    canvas.viewbox({
      x: (box.left + box.right) / 2 - room.width / 2,
      y: (box.top + box.bottom) / 2 - room.height / 2,
      width: room.width,
      height: room.height
    });
    container.setAttribute("data-focused", "true");
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
      focusOnHeat();
    });
  });

  var focus = document.querySelector("[data-heat-focus]");
  if (focus) {
    focus.addEventListener("click", focusOnHeat);
  }

  if (choices.length) {
    show(choices[0]);
  }
})();
