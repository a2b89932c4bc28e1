/**
 * Build tooling: converts a TF.js graph model to ONNX with its descriptor. The build runs PrepareCenterNet to make
 * the test and default detection model in .cache/models; no runtime jar carries this package.
 */
package io.imageflowcanvas.modelconverter;
