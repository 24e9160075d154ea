/* The modeler without a mouse, and in the user's language (docs/ui.md, "The modeler from the
   keyboard"). bpmn-js's palette and context pad are mouse tools; here an element is added with
   the keyboard: choose the element it follows (the search field, or a click), choose what to
   add, "Toevoegen": the new element is placed after it, connected, selected, and the focus goes
   to its name in the properties panel. ``TerugkeerModelerTexts`` gives bpmn-js's own titles
   (palette, context pad) in the page's language, from #modeler-texts' data-bpmn-texts. */
(function () {
  "use strict";

  function texts() {
    var holder = document.getElementById("modeler-texts");
    return JSON.parse((holder && holder.getAttribute("data-bpmn-texts")) || "{}");
  }

  /* A bpmn-js module replacing its "translate" service: the page's text for a title, with its
     {placeholders} filled in; bpmn-js's English where the page has none. */
  function translations() {
    var known = texts();
    function translate(template, replacements) {
      var text = Object.prototype.hasOwnProperty.call(known, template) ? known[template] : template;
      return text.replace(/{([^}]+)}/g, function (whole, key) {
        return replacements && Object.prototype.hasOwnProperty.call(replacements, key)
          ? String(replacements[key]) : whole;
      });
    }
    return { translate: ["value", translate] };
  }

  /* The "Toevoegen" control of the toolbar; ``say(text, kind)`` writes the status line. */
  function bindAdd(modeler, say) {
    var button = document.getElementById("add-element");
    var type = document.getElementById("add-type");
    var data = document.getElementById("modeler-texts").dataset;
    if (!button || !type) {
      return;
    }
    button.addEventListener("click", function () {
      var chosen = modeler.get("selection").get();
      var source = chosen.length === 1 ? chosen[0] : null;
      var flowNode = source && !source.waypoints && source.businessObject &&
        source.businessObject.$instanceOf("bpmn:FlowNode") &&
        !source.businessObject.$instanceOf("bpmn:EndEvent");
      if (!flowNode) {
        say(data.addFirst, "error");
        return;
      }
      var shape = modeler.get("elementFactory").createShape({ type: type.value });
      var added = modeler.get("autoPlace").append(source, shape);
      modeler.get("selection").select(added);
      modeler.get("canvas").scrollToElement(added);
      var option = type.options[type.selectedIndex];
      say(data.added.replace("{what}", option.text).replace("{after}",
        source.businessObject.name || source.id));
      var name = document.getElementById("prop-name");
      if (name) {
        name.focus();
      }
    });
  }

  window.TerugkeerModelerKeyboard = { translations: translations, bindAdd: bindAdd };
})();
