/**
 * The step's error model: each exception says which problem kind a step failed with (the last segment of the
 * problem {@code type} in step-problem.schema.json), and so the HTTP status and whether a caller retries: 4xx for
 * the input, never retried; 5xx for the world around the step, retried.
 */
package io.imageflowcanvas.contract.problem;
