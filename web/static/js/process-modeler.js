/* Editing a BPMN file in the browser: the bpmn-js modeler (from npm, under /vendor/) with the
   spiffworkflow extension and Terugkeer's properties panel. "Opslaan en uitrollen" posts the XML;
   the server deploys it with the version's other files. When the engine refuses the model, each
   problem is marked on its element (a red outline and a note) and listed with file, line and
   element; nothing is deployed then. The same checks run as a lint (a dry run that deploys
   nothing) when the model is opened, a moment after each change, and on "Controleren". */
(function () {
  "use strict";

  var container = document.getElementById("modeler-canvas");
  if (!container) {
    return;
  }
  var settings = JSON.parse(container.getAttribute("data-settings") || "{}");
  var statusLine = document.getElementById("save-status");
  var problemsPanel = document.getElementById("problems");
  var problemList = document.getElementById("problem-list");
  var saveButton = document.getElementById("save-model");
  var texts = document.getElementById("modeler-texts").dataset;

  function say(text, kind) {
    statusLine.textContent = "";
    statusLine.className = "save-status" + (kind ? " save-status-" + kind : "");
    if (typeof text === "string") {
      statusLine.textContent = text;
    } else if (text) {
      statusLine.appendChild(text);
    }
  }

  if (!window.BpmnJS || !window.fetch || !window.TerugkeerSpiffModdle ||
      !window.TerugkeerModelerKeyboard) {
    say(texts.failed, "error");
    return;
  }

  var modeler = new window.BpmnJS({
    container: container,
    moddleExtensions: { spiffworkflow: window.TerugkeerSpiffModdle },
    additionalModules: [window.TerugkeerModelerKeyboard.translations()]
  });
  window.TerugkeerModelerKeyboard.bindAdd(modeler, say);
  var panel = window.TerugkeerProperties(modeler, settings);
  /* A large model fitted into the box is too small to read: then start at a readable zoom in
     its left edge, level with the start event; "Passend maken" shows it whole. */
  function readable() {
    var canvas = modeler.get("canvas");
    canvas.zoom("fit-viewport", "auto");
    if (canvas.zoom() >= 0.6) {
      return;
    }
    canvas.zoom(0.75);
    var box = canvas.viewbox();
    var start = modeler.get("elementRegistry").filter(function (element) {
      return element.type === "bpmn:StartEvent";
    })[0];
    var y = start ? start.y + start.height / 2 - box.height / 2 : box.inner.y - 20;
    canvas.viewbox({ x: box.inner.x - 20, y: y, width: box.width, height: box.height });
  }

  var marked = [];
  var NOTE_WIDTH = 224; /* .problem-note: 14rem */

  function clearProblems() {
    var canvas = modeler.get("canvas");
    modeler.get("overlays").remove({ type: "tk-problem" });
    marked.forEach(function (id) {
      canvas.removeMarker(id, "tk-error");
    });
    marked = [];
    problemList.textContent = "";
    problemsPanel.hidden = true;
  }

  function focusElement(id) {
    var registry = modeler.get("elementRegistry");
    var element = registry.get(id);
    if (!element) {
      return;
    }
    var canvas = modeler.get("canvas");
    var box = canvas.viewbox();
    if (canvas.zoom() < 0.8) {
      canvas.zoom(0.9);
      box = canvas.viewbox();
    }
    canvas.viewbox({
      x: element.x + (element.width || 0) / 2 - box.width / 2,
      y: element.y + (element.height || 0) / 2 - box.height / 2,
      width: box.width,
      height: box.height
    });
  }

  function where(problem) {
    var parts = [];
    if (problem.file) {
      parts.push(texts.file + " " + problem.file);
    }
    if (problem.line) {
      parts.push(texts.line + " " + problem.line);
    }
    if (problem.element) {
      parts.push(texts.element + " " + problem.element);
    }
    return parts.join(" · ");
  }

  function showProblems(problems, title, focus) {
    clearProblems();
    document.getElementById("problems-title").textContent = title;
    var registry = modeler.get("elementRegistry");
    var canvas = modeler.get("canvas");
    var overlays = modeler.get("overlays");
    var first = null;
    problems.forEach(function (problem) {
      var item = document.createElement("li");
      var message = document.createElement("span");
      message.className = "problem-message";
      message.textContent = problem.message;
      var place = document.createElement("span");
      place.className = "problem-where";
      place.textContent = where(problem);
      item.appendChild(message);
      item.appendChild(place);
      var here = !problem.file || problem.file === settings.fileName;
      var element = here && problem.element ? registry.get(problem.element) : null;
      if (element && element.type !== "label") {
        first = first || element.id;
        if (marked.indexOf(element.id) === -1) {
          canvas.addMarker(element.id, "tk-error");
          marked.push(element.id);
        }
        var note = document.createElement("div");
        note.className = "problem-note";
        note.textContent = problem.message;
        /* Below the element, right-aligned with it: the context pad opens on its right. */
        overlays.add(element.id, "tk-problem", {
          position: { top: (element.height || 0) + 6, left: (element.width || 0) - NOTE_WIDTH },
          html: note
        });
        var show = document.createElement("button");
        show.type = "button";
        show.className = "button button-small button-quiet";
        show.textContent = texts.show;
        show.addEventListener("click", function () {
          focusElement(element.id);
        });
        item.appendChild(show);
      }
      problemList.appendChild(item);
    });
    problemsPanel.hidden = false;
    if (first && focus) {
      focusElement(first);
    }
    container.setAttribute("data-problems", String(problems.length));
  }

  function csrfToken() {
    return container.getAttribute("data-csrf");
  }

  function save() {
    saveButton.disabled = true;
    say(texts.saving);
    modeler.saveXML({ format: true })
      .then(function (result) {
        return fetch(settings.saveUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ xml: result.xml })
        });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          return { status: response.status, body: body };
        });
      })
      .then(function (answer) {
        if (answer.status === 200) {
          dirty = false;
          clearProblems();
          var line = document.createElement("span");
          line.textContent = answer.body.message + " ";
          if (answer.body.next) {
            var link = document.createElement("a");
            link.href = answer.body.next;
            link.textContent = texts.toVersion;
            line.appendChild(link);
          }
          if (answer.body.edit) {
            settings.saveUrl = answer.body.edit;
          }
          say(line, "success");
          container.setAttribute("data-saved", String(Date.now()));
        } else if (answer.body && answer.body.problems) {
          say(answer.body.detail, "error");
          showProblems(answer.body.problems, texts.refusedTitle, true);
        } else {
          say((answer.body && (answer.body.detail || answer.body.title)) || texts.failed, "error");
        }
      })
      .catch(function () {
        say(texts.failed, "error");
      })
      .then(function () {
        saveButton.disabled = false;
      });
  }

  /* The lint: every problem at once, from the same checks as deployment; deploys nothing.
     ``focus`` (a click on "Controleren") moves the view to the first problem. */
  var linting = 0;
  function lint(focus) {
    var round = ++linting;
    modeler.saveXML({ format: true })
      .then(function (result) {
        return fetch(settings.checkUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ xml: result.xml })
        });
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (body) {
        if (round !== linting) {
          return; /* a newer check is on its way */
        }
        var problems = body.problems || [];
        if (problems.length) {
          showProblems(problems, texts.lintTitle.replace("{count}", String(problems.length)), focus);
        } else {
          clearProblems();
          if (focus) {
            say(texts.noProblems, "success");
          }
        }
        container.setAttribute("data-linted", String(problems.length));
      })
      .catch(function () {
        if (focus) {
          say(texts.failed, "error");
        }
      });
  }

  var relint = null;
  modeler.on("commandStack.changed", function () {
    window.clearTimeout(relint);
    relint = window.setTimeout(function () {
      lint(false);
    }, 1200);
  });

  function download() {
    modeler.saveXML({ format: true }).then(function (result) {
      var blob = new Blob([result.xml], { type: "application/xml" });
      var link = document.createElement("a");
      link.href = URL.createObjectURL(blob);
      link.download = settings.fileName.split("/").pop();
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  /* Finding an element by name or id: a large model does not fit on the screen. */
  function listElements() {
    var options = document.getElementById("element-options");
    options.textContent = "";
    modeler.get("elementRegistry").filter(function (element) {
      return element.type !== "label" && element.businessObject && element.businessObject.name &&
        !element.waypoints;
    }).forEach(function (element) {
      var option = document.createElement("option");
      option.value = element.businessObject.name.replace(/\s+/g, " ") + " (" + element.id + ")";
      options.appendChild(option);
    });
  }

  function find(text) {
    var registry = modeler.get("elementRegistry");
    var wanted = text.trim();
    var id = /\(([^()]+)\)$/.exec(wanted);
    var element = registry.get(id ? id[1] : wanted);
    if (!element) {
      var lower = wanted.toLowerCase();
      element = registry.filter(function (each) {
        var name = each.businessObject && each.businessObject.name;
        return each.type !== "label" && name && name.toLowerCase().indexOf(lower) !== -1;
      })[0];
    }
    if (element) {
      focusElement(element.id);
      modeler.get("selection").select(element);
    }
    return Boolean(element);
  }

  var relist = null;
  modeler.on("commandStack.changed", function () {
    window.clearTimeout(relist);
    relist = window.setTimeout(listElements, 300);
  });

  document.getElementById("find-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = document.getElementById("find-element");
    field.setAttribute("aria-invalid", find(field.value) ? "false" : "true");
  });

  /* Changes not yet deployed: ask before leaving the page. */
  var dirty = false;
  modeler.on("commandStack.changed", function () {
    dirty = true;
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  saveButton.addEventListener("click", save);
  document.getElementById("check-model").addEventListener("click", function () {
    window.clearTimeout(relint);
    lint(true);
  });
  document.getElementById("download-model").addEventListener("click", download);
  Array.prototype.slice.call(document.querySelectorAll("[data-command]")).forEach(function (button) {
    button.addEventListener("click", function () {
      var canvas = modeler.get("canvas");
      var stack = modeler.get("commandStack");
      var command = button.getAttribute("data-command");
      if (command === "undo") {
        stack.undo();
      } else if (command === "redo") {
        stack.redo();
      } else if (command === "fit") {
        canvas.zoom("fit-viewport", "auto");
      } else {
        canvas.zoom(canvas.zoom() * (command === "zoom-in" ? 1.25 : 0.8));
      }
    });
  });

  container.setAttribute("aria-busy", "true");
  fetch(settings.xmlUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.text();
    })
    .then(function (xml) {
      return modeler.importXML(xml);
    })
    .then(function (result) {
      readable();
      listElements();
      if (result.warnings && result.warnings.length) {
        say(texts.warnings.replace("{count}", String(result.warnings.length)), "error");
      }
      panel.render(null);
      container.setAttribute("data-ready", "true");
      lint(false);
    })
    .catch(function (error) {
      say(texts.failed + " " + String((error && error.message) || ""), "error");
    })
    .then(function () {
      container.removeAttribute("aria-busy");
    });
})();
