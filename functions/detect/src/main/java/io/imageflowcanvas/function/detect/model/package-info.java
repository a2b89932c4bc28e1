/**
 * Detection models: the catalog found in the model folder, the engine choice (ONNX Runtime, TensorRT), pre-processing
 * and the decoders of each model's outputs.
 */
package io.imageflowcanvas.function.detect.model;
