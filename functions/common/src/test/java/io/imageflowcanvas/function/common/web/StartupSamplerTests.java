package io.imageflowcanvas.function.common.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StartupSamplerTests {

    private static long spin(long millis) {
        long until = System.nanoTime() + millis * 1_000_000;
        long sum = 0;
        while (System.nanoTime() < until) {
            sum += System.nanoTime() % 7;
        }
        return sum;
    }

    private static void waitBriefly() throws InterruptedException {
        Thread.sleep(60);
    }

    @Test
    void namesTheMethodsTheThreadSpentItsTimeInWithTheirShare() throws Exception {
        StartupSampler sampler = StartupSampler.start(Thread.currentThread());
        try (sampler) {
            spin(240);
            waitBriefly();
        }
        List<String> top = sampler.top(100);
        assertThat(sampler.samples()).isGreaterThan(20);
        // The test method (and the test runner's frames) holds every sample, spin about 80% of them, the sleep after
        // it the rest; JDK frames are left out.
        assertThat(top).anySatisfy(line -> assertThat(line).matches("100% .*StartupSamplerTests\\.namesTheMethods.*"))
                .anySatisfy(line -> assertThat(line).matches(" ?[5-9]\\d% .*StartupSamplerTests\\.spin"))
                .noneSatisfy(line -> assertThat(line).contains("java.lang.Thread"));
    }
}
