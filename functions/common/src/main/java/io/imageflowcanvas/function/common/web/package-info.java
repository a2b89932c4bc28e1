/**
 * The Spring wiring of a function: the CloudEvents HTTP binding, content-type and size filters, problem documents
 * as error CloudEvents, trace context, the OpenCV preload; a function module adds only its step and parameters.
 */
package io.imageflowcanvas.function.common.web;
