/**
 * The detect function: its step, parameters, annotator and Spring Boot application.
 */
package io.imageflowcanvas.function.detect;
