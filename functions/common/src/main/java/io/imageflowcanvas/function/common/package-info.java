/**
 * The step runtime every function runs on. This package holds its error model: each exception says which problem
 * kind a step failed with, and so the HTTP status, the problem title and whether a caller retries.
 */
package io.imageflowcanvas.function.common;
