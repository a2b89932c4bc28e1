/**
 * The redact function: its step, parameters, the detections report it reads and its Spring Boot application.
 */
package io.imageflowcanvas.function.redact;
