"""The stages of a build, each a module over frozen types: discover -> read -> enrich
-> index -> plan -> render -> write (see docs/architecture.md)."""
