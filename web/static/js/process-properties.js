/* The modeler's properties panel: what the Terugkeer engine reads from an element, read from and
   written to the model through the modeler's own services (modeling, moddle), so every change
   can be undone like a drawing change. Fields are in the page (templates/processes/modeler.html);
   this file shows the ones that fit the chosen element and keeps them in step with the model. */
(function () {
  "use strict";

  var PROPERTIES = "spiffworkflow:Properties";
  var TIMER_KINDS = ["timeDate", "timeDuration", "timeCycle"];
  var TRANSLATION_NS = "https://terugkeer.example/schema/bpmn/translations";
  var NAME_EN = "terugkeer:name-en";

  function byId(id) {
    return document.getElementById(id);
  }

  function normalise(text) {
    return String(text || "").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  window.TerugkeerProperties = function (modeler, settings) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");
    var registry = modeler.get("elementRegistry");
    var form = byId("properties");
    var empty = byId("panel-empty");
    var current = null;

    function is(element, type) {
      var bo = element && element.businessObject;
      return Boolean(bo && bo.$instanceOf && bo.$instanceOf(type));
    }

    function definition(element, type) {
      var found = (element.businessObject.eventDefinitions || []).filter(function (each) {
        return each.$instanceOf(type);
      });
      return found[0] || null;
    }

    /* Extension elements ------------------------------------------------------------------ */

    function extensions(element, owner, create) {
      var ext = owner.get("extensionElements");
      if (!ext && create) {
        ext = moddle.create("bpmn:ExtensionElements", { values: [] });
        ext.$parent = owner;
        modeling.updateModdleProperties(element, owner, { extensionElements: ext });
      }
      return ext || null;
    }

    function extension(owner, type) {
      var ext = owner.get("extensionElements");
      var found = ext ? (ext.get("values") || []).filter(function (v) { return v.$type === type; }) : [];
      return found[0] || null;
    }

    function setExtensionText(element, owner, type, value) {
      var existing = extension(owner, type);
      if (!value) {
        if (existing) {
          var ext = owner.get("extensionElements");
          modeling.updateModdleProperties(element, ext, {
            values: ext.get("values").filter(function (v) { return v !== existing; })
          });
        }
        return;
      }
      if (existing) {
        modeling.updateModdleProperties(element, existing, { value: value });
        return;
      }
      var ext2 = extensions(element, owner, true);
      var made = moddle.create(type, { value: value });
      made.$parent = ext2;
      modeling.updateModdleProperties(element, ext2, { values: ext2.get("values").concat([made]) });
    }

    function property(owner, name) {
      var props = extension(owner, PROPERTIES);
      var found = props ? props.get("values").filter(function (p) { return p.name === name; }) : [];
      return found[0] || null;
    }

    function setProperty(element, name, value) {
      var owner = element.businessObject;
      var existing = property(owner, name);
      var props = extension(owner, PROPERTIES);
      if (!value) {
        if (existing) {
          modeling.updateModdleProperties(element, props, {
            values: props.get("values").filter(function (p) { return p !== existing; })
          });
        }
        return;
      }
      if (existing) {
        modeling.updateModdleProperties(element, existing, { value: value });
        return;
      }
      if (!props) {
        var ext = extensions(element, owner, true);
        props = moddle.create(PROPERTIES, { values: [] });
        props.$parent = ext;
        modeling.updateModdleProperties(element, ext, { values: ext.get("values").concat([props]) });
      }
      var made = moddle.create("spiffworkflow:Property", { name: name, value: value });
      made.$parent = props;
      modeling.updateModdleProperties(element, props, { values: props.get("values").concat([made]) });
    }

    function propertyValue(element, name) {
      var found = property(element.businessObject, name);
      return found ? found.value || "" : "";
    }

    /* Lanes and parties ------------------------------------------------------------------- */

    function laneOf(element) {
      var bo = element.businessObject;
      var lanes = registry.filter(function (each) {
        return is(each, "bpmn:Lane") && (each.businessObject.flowNodeRef || []).indexOf(bo) !== -1;
      });
      var inner = lanes.filter(function (lane) {
        var children = lane.businessObject.childLaneSet;
        return !children || !(children.lanes || []).length;
      });
      return (inner[0] || lanes[0] || null);
    }

    function partyOf(laneName) {
      var wanted = normalise(laneName);
      return (settings.parties || []).filter(function (party) {
        return party.lanes.indexOf(wanted) !== -1;
      })[0] || null;
    }

    function describeLane(element) {
      var out = byId("prop-lane");
      var lane = laneOf(element);
      out.className = "lane-info";
      if (!lane) {
        out.textContent = out.getAttribute("data-no-lane");
        out.classList.add("lane-problem");
        return;
      }
      var name = lane.businessObject.name || lane.id;
      var party = partyOf(name);
      if (!party) {
        out.textContent = out.getAttribute("data-no-party").replace("{lane}", name);
        out.classList.add("lane-problem");
        return;
      }
      out.textContent = out.getAttribute("data-party")
        .replace("{lane}", name)
        .replace("{party}", party.label)
        .replace("{role}", party.role);
    }

    /* Showing an element ------------------------------------------------------------------ */

    function show(section, visible) {
      Array.prototype.slice.call(form.querySelectorAll('[data-section="' + section + '"]'))
        .forEach(function (node) { node.hidden = !visible; });
    }

    function fill(id, value) {
      var field = byId(id);
      if (field && document.activeElement !== field) {
        field.value = value || "";
      }
    }

    function messageOptions(selected) {
      var select = byId("prop-message");
      var messages = (modeler.getDefinitions().rootElements || []).filter(function (root) {
        return root.$instanceOf("bpmn:Message");
      });
      select.textContent = "";
      var none = document.createElement("option");
      none.value = "";
      none.textContent = select.getAttribute("data-none");
      select.appendChild(none);
      messages.forEach(function (message) {
        var option = document.createElement("option");
        option.value = message.id;
        option.textContent = (message.name || "?") + " (" + message.id + ")";
        option.selected = Boolean(selected && selected.id === message.id);
        select.appendChild(option);
      });
    }

    function render(element) {
      current = element;
      var real = element && element.type !== "label" && !is(element, "bpmn:Process") &&
        !is(element, "bpmn:Collaboration") ? element : null;
      form.hidden = !real;
      empty.hidden = Boolean(real);
      if (!real) {
        return;
      }
      var bo = real.businessObject;
      byId("prop-type").textContent = bo.$type.replace("bpmn:", "");
      byId("prop-id").textContent = real.id;
      fill("prop-name", bo.name);
      fill("prop-name-en", bo.$attrs[NAME_EN]);

      var formTask = is(real, "bpmn:UserTask") || is(real, "bpmn:StartEvent");
      var userTask = is(real, "bpmn:UserTask") || is(real, "bpmn:ManualTask");
      show("lane", userTask);
      if (userTask) {
        describeLane(real);
      }
      var spiff = settings.dialect !== "camunda";
      show("task", formTask && spiff);
      show("camunda-task", formTask && !spiff);
      show("user-task", is(real, "bpmn:UserTask"));
      if (formTask) {
        fill("prop-form", propertyValue(real, "formJsonSchemaFilename"));
        fill("prop-ui-form", propertyValue(real, "formUiSchemaFilename"));
        fill("prop-due", propertyValue(real, "dueDate"));
        fill("prop-role", propertyValue(real, "role"));
      }
      var activity = is(real, "bpmn:Activity") && spiff;
      show("loop", activity);
      if (activity) {
        fill("prop-loop", propertyValue(real, "loopBound"));
      }

      var timer = is(real, "bpmn:Event") ? definition(real, "bpmn:TimerEventDefinition") : null;
      show("timer", Boolean(timer));
      if (timer) {
        var kind = TIMER_KINDS.filter(function (k) { return timer.get(k); })[0] || "timeDate";
        byId("prop-timer-kind").value = kind;
        fill("prop-timer", timer.get(kind) ? timer.get(kind).body : "");
      }

      var message = is(real, "bpmn:Event") ? definition(real, "bpmn:MessageEventDefinition") : null;
      show("message", Boolean(message));
      if (message) {
        messageOptions(message.messageRef);
        fill("prop-message-name", message.messageRef ? message.messageRef.name : "");
        var variable = extension(message, "spiffworkflow:MessageVariable");
        fill("prop-message-variable", variable ? variable.value : "");
        show("message-catch", is(real, "bpmn:CatchEvent"));
      }

      show("call", is(real, "bpmn:CallActivity"));
      if (is(real, "bpmn:CallActivity")) {
        fill("prop-called", bo.calledElement);
      }
      show("decision", is(real, "bpmn:BusinessRuleTask"));
      if (is(real, "bpmn:BusinessRuleTask")) {
        var decision = extension(bo, "spiffworkflow:CalledDecisionId");
        fill("prop-decision", decision ? decision.value : "");
      }
      var conditional = is(real, "bpmn:SequenceFlow") && bo.sourceRef &&
        (bo.sourceRef.$instanceOf("bpmn:ExclusiveGateway") || bo.sourceRef.$instanceOf("bpmn:InclusiveGateway"));
      show("condition", Boolean(conditional));
      if (conditional) {
        fill("prop-condition", bo.conditionExpression ? bo.conditionExpression.body : "");
      }
    }

    /* Writing changes --------------------------------------------------------------------- */

    function value(id) {
      return byId(id).value.trim();
    }

    var writers = {
      "prop-name": function (el) { modeling.updateLabel(el, byId("prop-name").value); },
      "prop-name-en": function (el) {
        // The English name is an attribute bpmn-js does not know (docs/modelling.md, Translations):
        // declared once on the definitions, kept by bpmn-moddle on save.
        var definitions = modeler.getDefinitions();
        if (!definitions.$attrs["xmlns:terugkeer"]) {
          definitions.$attrs["xmlns:terugkeer"] = TRANSLATION_NS;
        }
        var changes = {};
        changes[NAME_EN] = value("prop-name-en") || undefined;
        modeling.updateModdleProperties(el, el.businessObject, changes);
      },
      "prop-form": function (el) { setProperty(el, "formJsonSchemaFilename", value("prop-form")); },
      "prop-ui-form": function (el) { setProperty(el, "formUiSchemaFilename", value("prop-ui-form")); },
      "prop-due": function (el) { setProperty(el, "dueDate", value("prop-due")); },
      "prop-role": function (el) { setProperty(el, "role", value("prop-role")); },
      "prop-loop": function (el) { setProperty(el, "loopBound", value("prop-loop")); },
      "prop-timer": writeTimer,
      "prop-timer-kind": writeTimer,
      "prop-message": function (el) {
        var def = definition(el, "bpmn:MessageEventDefinition");
        var wanted = value("prop-message");
        var message = (modeler.getDefinitions().rootElements || []).filter(function (root) {
          return root.id === wanted;
        })[0];
        modeling.updateModdleProperties(el, def, { messageRef: message || undefined });
      },
      "prop-message-name": function (el) {
        var def = definition(el, "bpmn:MessageEventDefinition");
        var name = value("prop-message-name");
        if (def.messageRef) {
          modeling.updateModdleProperties(el, def.messageRef, { name: name });
          return;
        }
        if (!name) {
          return;
        }
        var definitions = modeler.getDefinitions();
        var message = moddle.create("bpmn:Message", { id: "Message_" + Date.now().toString(36), name: name });
        message.$parent = definitions;
        modeling.updateModdleProperties(el, definitions, {
          rootElements: definitions.get("rootElements").concat([message])
        });
        modeling.updateModdleProperties(el, def, { messageRef: message });
      },
      "prop-message-variable": function (el) {
        var def = definition(el, "bpmn:MessageEventDefinition");
        setExtensionText(el, def, "spiffworkflow:MessageVariable", value("prop-message-variable"));
      },
      "prop-called": function (el) { modeling.updateProperties(el, { calledElement: value("prop-called") || undefined }); },
      "prop-decision": function (el) {
        setExtensionText(el, el.businessObject, "spiffworkflow:CalledDecisionId", value("prop-decision"));
      },
      "prop-condition": function (el) {
        var text = value("prop-condition");
        var expression = text ? moddle.create("bpmn:FormalExpression", { body: text }) : undefined;
        modeling.updateProperties(el, { conditionExpression: expression });
      }
    };

    function writeTimer(el) {
      var def = definition(el, "bpmn:TimerEventDefinition");
      var kind = byId("prop-timer-kind").value;
      var text = value("prop-timer");
      var changes = {};
      TIMER_KINDS.forEach(function (k) {
        changes[k] = undefined;
      });
      if (text) {
        changes[kind] = moddle.create("bpmn:FormalExpression", { body: text });
        changes[kind].$parent = def;
      }
      modeling.updateModdleProperties(el, def, changes);
    }

    Object.keys(writers).forEach(function (id) {
      var field = byId(id);
      if (!field) {
        return;
      }
      field.addEventListener("change", function () {
        if (current) {
          writers[id](current);
          render(current);
        }
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });

    modeler.on("selection.changed", function (event) {
      render(event.newSelection.length === 1 ? event.newSelection[0] : null);
    });
    modeler.on("elements.changed", function (event) {
      if (current && event.elements.indexOf(current) !== -1) {
        render(current);
      } else if (current && current.type !== "label" && !registry.get(current.id)) {
        render(null);
      } else if (current) {
        render(current);
      }
    });

    return { render: render };
  };
})();
