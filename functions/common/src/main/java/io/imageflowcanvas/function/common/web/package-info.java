/**
 * The Spring wiring of a function: its HTTP server (the CloudEvents binding with its content-type and size checks,
 * probes, metrics), problem documents as error CloudEvents, trace context, the OpenCV preload; a function module
 * adds only its step and parameters.
 */
package io.imageflowcanvas.function.common.web;
