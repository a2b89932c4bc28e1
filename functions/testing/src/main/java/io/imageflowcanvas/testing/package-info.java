/**
 * What the tests and benchmarks share: a real S3 test server, real photos and generated odd images, the step
 * contract tests every function passes, a CloudEvents client, podman containers and the images' AOT training run.
 */
package io.imageflowcanvas.testing;
