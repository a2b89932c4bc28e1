/*
 * The libvips peer of the blur benchmark: like StepBench, one process handles many files (vips' start-up is paid
 * once), each read, blurred with vips_gaussblur and written as a quality-85 JPEG.
 * Usage: vips_blur <sigma> <rounds> <output dir> <input files...>
 */
#include <stdio.h>
#include <stdlib.h>
#include <vips/vips.h>

int main(int argc, char **argv) {
    if (VIPS_INIT(argv[0]) || argc < 5) {
        fprintf(stderr, "usage: vips_blur <sigma> <rounds> <output dir> <input files...>\n");
        return 2;
    }
    double sigma = atof(argv[1]);
    int rounds = atoi(argv[2]);
    char out[4096];
    for (int r = 0; r < rounds; r++) {
        for (int i = 4; i < argc; i++) {
            VipsImage *in = vips_image_new_from_file(argv[i], "access", VIPS_ACCESS_SEQUENTIAL, NULL);
            VipsImage *blurred = NULL;
            if (in == NULL || vips_gaussblur(in, &blurred, sigma, NULL)) {
                vips_error_exit("blur failed on %s", argv[i]);
            }
            snprintf(out, sizeof out, "%s/%d.jpg", argv[3], i);
            if (vips_jpegsave(blurred, out, "Q", 85, NULL)) {
                vips_error_exit("save failed on %s", out);
            }
            g_object_unref(blurred);
            g_object_unref(in);
        }
    }
    vips_shutdown();
    return 0;
}
