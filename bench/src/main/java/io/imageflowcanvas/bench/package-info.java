/**
 * Benchmarks that print ratios against a peer or a bound measured in the same run (bench/*.sh start them); never
 * timing asserts.
 */
package io.imageflowcanvas.bench;
