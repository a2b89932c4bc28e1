/**
 * The resize function: its step, parameters and Spring Boot application.
 */
package io.imageflowcanvas.function.resize;
