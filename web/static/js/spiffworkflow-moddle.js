/* The spiffworkflow BPMN extension (xmlns:spiffworkflow) as a moddle descriptor, so the modeler
   reads, keeps and writes what the engine reads: task properties (forms, dueDate, role,
   loopBound), decisions, message variables, signal payloads, scripts. It follows the XSD that
   SpiffWorkflow ships (SpiffWorkflow/spiff/parser/schema/spiffworkflow.xsd). */
(function () {
  "use strict";

  function text(name) {
    return {
      name: name,
      superClass: ["Element"],
      properties: [{ name: "value", isBody: true, type: "String" }]
    };
  }

  window.TerugkeerSpiffModdle = {
    name: "SpiffWorkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" },
    associations: [],
    types: [
      {
        name: "Properties",
        superClass: ["Element"],
        properties: [{ name: "values", type: "Property", isMany: true }]
      },
      {
        name: "Property",
        superClass: ["Element"],
        properties: [
          { name: "name", isAttr: true, type: "String" },
          { name: "value", isAttr: true, type: "String" }
        ]
      },
      text("CalledDecisionId"),
      text("InstructionsForEndUser"),
      text("MessagePayload"),
      text("MessageVariable"),
      text("PayloadExpression"),
      text("VariableName"),
      text("PreScript"),
      text("PostScript"),
      text("InputJson"),
      text("ExpectedOutputJson"),
      {
        name: "UnitTests",
        superClass: ["Element"],
        properties: [{ name: "values", type: "UnitTest", isMany: true }]
      },
      {
        name: "UnitTest",
        superClass: ["Element"],
        properties: [
          { name: "id", isAttr: true, type: "String" },
          { name: "inputJson", type: "InputJson" },
          { name: "expectedOutputJson", type: "ExpectedOutputJson" }
        ]
      },
      {
        name: "ServiceTaskOperator",
        superClass: ["Element"],
        properties: [
          { name: "id", isAttr: true, type: "String" },
          { name: "resultVariable", isAttr: true, type: "String" },
          { name: "parameterList", type: "Parameters" },
          { name: "retry", type: "Retry" }
        ]
      },
      {
        name: "Parameters",
        superClass: ["Element"],
        properties: [{ name: "values", type: "Parameter", isMany: true }]
      },
      {
        name: "Parameter",
        superClass: ["Element"],
        properties: [
          { name: "id", isAttr: true, type: "String" },
          { name: "type", isAttr: true, type: "String" },
          { name: "value", isAttr: true, type: "String" }
        ]
      },
      {
        name: "Retry",
        superClass: ["Element"],
        properties: [
          { name: "retries", isAttr: true, type: "Integer" },
          { name: "backoff_base", isAttr: true, type: "Integer" }
        ]
      }
    ]
  };
})();
