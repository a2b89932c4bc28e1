/**
 * Pipeline definitions as users write them, the component registry's parameters, and validation; knows neither
 * engine.
 */
package io.imageflowcanvas.pipeline;
