"""The event contract between services: the envelope, one model per event (a module per
aggregate), the topology, the AsyncAPI document. Import from the module that defines a name."""
