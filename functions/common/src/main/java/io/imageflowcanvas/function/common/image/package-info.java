/**
 * Images before and after OpenCV: the header probe that refuses what is too large before decoding, the limits,
 * and the codec (decode with JPEG reduction on load, encode). Also used by the API server for thumbnails.
 */
package io.imageflowcanvas.function.common.image;
