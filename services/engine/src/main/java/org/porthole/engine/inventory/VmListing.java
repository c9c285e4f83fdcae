package org.porthole.engine.inventory;

/** A VM with whether its host agent is online, as the inventory reads it. */
public record VmListing(Vm vm, boolean hostOnline) {}
