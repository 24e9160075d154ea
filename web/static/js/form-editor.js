/* The form editor: checks the JSON Schema and UI schema while typing (JSON syntax here, the
   Draft 2020-12 meta-schema on the server) and shows the form as caseworkers will see it,
   rendered by the server's own form renderer. Submitting the preview checks the typed values
   as a task submission would; nothing is stored. */
(function () {
  "use strict";

  var source = document.getElementById("form-source");
  var preview = document.getElementById("form-preview");
  if (!source || !preview || !window.fetch) {
    return;
  }
  var schemaText = document.getElementById("schema-text");
  var uiText = document.getElementById("ui-text");
  var schemaStatus = document.getElementById("schema-status");
  var uiStatus = document.getElementById("ui-status");
  var texts = source.dataset;
  var timer = null;
  var sequence = 0;

  function lineAndColumn(text, message) {
    var match = /line (\d+) column (\d+)/.exec(message);
    if (match) {
      return [Number(match[1]), Number(match[2])];
    }
    match = /position (\d+)/.exec(message);
    if (!match) {
      return null;
    }
    var before = text.slice(0, Number(match[1])).split("\n");
    return [before.length, before[before.length - 1].length + 1];
  }

  function parseProblem(field) {
    if (!field || !field.value.trim()) {
      return null;
    }
    try {
      var value = JSON.parse(field.value);
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return texts.notObject;
      }
      return null;
    } catch (error) {
      var place = lineAndColumn(field.value, String(error.message));
      var where = place ? " (" + texts.line + " " + place[0] + ", " + texts.column + " " + place[1] + ")" : "";
      return texts.badJson + where + ": " + String(error.message);
    }
  }

  function mark(field, status, problems) {
    if (!field) {
      return;
    }
    status.textContent = problems.join(" ");
    if (problems.length) {
      field.setAttribute("aria-invalid", "true");
    } else {
      field.removeAttribute("aria-invalid");
    }
  }

  function describe(problem) {
    var where = problem.line ? " (" + texts.line + " " + problem.line + ", " + texts.column + " " + problem.column + ")" : "";
    var path = problem.path ? " " + problem.path : "";
    return problem.message + where + path;
  }

  function refresh(values) {
    var schemaProblem = parseProblem(schemaText);
    var uiProblem = parseProblem(uiText);
    mark(schemaText, schemaStatus, schemaProblem ? [schemaProblem] : []);
    mark(uiText, uiStatus, uiProblem ? [uiProblem] : []);
    if (schemaProblem || uiProblem) {
      preview.setAttribute("data-state", "invalid");
      return;
    }
    var mine = ++sequence;
    var body = { schema: schemaText.value, ui: uiText ? uiText.value : null };
    if (typeof values === "string") {
      body.values = values;
    }
    preview.setAttribute("aria-busy", "true");
    fetch(source.getAttribute("data-preview"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": source.getAttribute("data-csrf") },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        if (mine !== sequence) {
          return;
        }
        var problems = answer.problems || [];
        mark(schemaText, schemaStatus, problems.filter(function (p) { return p.part === "schema"; }).map(describe));
        mark(uiText, uiStatus, problems.filter(function (p) { return p.part === "ui"; }).map(describe));
        if (answer.html !== null && answer.html !== undefined) {
          preview.innerHTML = answer.html;
          preview.setAttribute("data-state", typeof values === "string" ? "checked" : "ready");
        } else {
          preview.setAttribute("data-state", "invalid");
        }
      })
      .catch(function () {
        preview.setAttribute("data-state", "failed");
        schemaStatus.textContent = preview.getAttribute("data-failed");
      })
      .then(function () {
        preview.removeAttribute("aria-busy");
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }

  schemaText.addEventListener("input", later);
  if (uiText) {
    uiText.addEventListener("input", later);
  }
  preview.addEventListener("submit", function (event) {
    event.preventDefault();
    var values = new URLSearchParams(new FormData(event.target)).toString();
    refresh(values);
  });
  refresh();
})();
