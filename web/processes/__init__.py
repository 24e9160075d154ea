"""Process owners: process definitions and their versions, the BPMN modeler, uploads, forms and
the migration of running cases (issue 5)."""
