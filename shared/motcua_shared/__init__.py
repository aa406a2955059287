"""motcua's shared package, by purpose (see shared/README.md): contract/, messaging/, storage/,
web/, ops/, config/, vietnam/ and testing/. Import each name from the module that defines it."""
