"""A user's record in HL7 FHIR R4 (the R4B models of ``fhir.resources``, which validate
every resource as it is built): read endpoints under ``/fhir/R4``, and ``flask fhir
export`` for the user's right to a copy. The mapping is documented in docs/fhir.md."""
