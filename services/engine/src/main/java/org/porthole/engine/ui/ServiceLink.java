package org.porthole.engine.ui;

/** One link of the page footer: a plain-text label and an http(s) URL. */
public record ServiceLink(String label, String url) {}
