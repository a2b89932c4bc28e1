package io.imageflowcanvas.function.common.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aot.AotDetector;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.logging.LogFile;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertiesPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
import org.springframework.core.metrics.ApplicationStartup;
import org.springframework.core.metrics.StartupStep;

/**
 * Starts a function app's Spring context without {@code SpringApplication}: the same beans (Spring AOT's, or the
 * auto-configurations when the app runs without it), the same settings and the same lifecycle, without the
 * machinery a function never uses. A start-up profile of the image showed {@code SpringApplication} spending a
 * third of the context's start on its environment (its config data search and binding {@code spring.config.*}
 * on every source, its listeners and factories) before the first bean (bench/README.md, "Cold start").
 *
 * <p>Settings, highest first: arguments ({@code --name=value}), system properties, environment variables (with
 * Spring Boot's relaxed names: {@code MINIO_ACCESS_KEY} sets {@code minio.access-key}), the files the app's
 * {@code application.properties} names in {@code spring.config.import} (only {@code classpath:} ones), then that
 * file itself (an imported file's settings win over its importer's, as in Spring Boot). Logging is Spring Boot's
 * logging system with its {@code logging.*} settings ({@code logging.level.<logger>} included). Spring Boot's
 * availability states as {@code SpringApplication} publishes them: live once the context has started, ready once
 * the app's runners have run. The context closes when the JVM is asked to stop.
 */
final class FunctionStart {

    private static final String APPLICATION_PROPERTIES = "application.properties";
    private static final String IMPORT = "spring.config.import";
    private static final String CLASSPATH = "classpath:";

    private FunctionStart() {
    }

    static ConfigurableApplicationContext start(Class<?> app, String[] args, ApplicationStartup startup) {
        long started = System.nanoTime();
        OpenCvPreload.start();
        ClassLoader loader = app.getClassLoader();
        StartupStep step = startup.start("imageflow.environment");
        StandardEnvironment environment = environment(args, loader);
        step.end();
        step = startup.start("imageflow.logging");
        LoggingSystem logging = logging(environment, loader);
        step.end();
        Logger log = LoggerFactory.getLogger(app);
        GenericApplicationContext context = AotDetector.useGeneratedArtifacts() ? new GenericApplicationContext()
                : new AnnotationConfigApplicationContext();
        try {
            context.setEnvironment(environment);
            context.setApplicationStartup(startup);
            context.setClassLoader(loader);
            context.setAllowBeanDefinitionOverriding(false);
            context.setAllowCircularReferences(false);
            context.getBeanFactory().setConversionService(environment.getConversionService());
            context.getBeanFactory().registerSingleton("springBootLoggingSystem", logging);
            step = startup.start("imageflow.register-beans");
            if (context instanceof AnnotationConfigApplicationContext annotated) {
                annotated.register(app);
            } else {
                aotInitializer(app).initialize(context);
            }
            step.end();
            context.refresh();
            AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
            step = startup.start("imageflow.runners");
            DefaultApplicationArguments arguments = new DefaultApplicationArguments(args);
            for (ApplicationRunner runner : context.getBeansOfType(ApplicationRunner.class).values()) {
                runner.run(arguments);
            }
            step.end();
            context.registerShutdownHook();
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
            log.info("Started {} in {} s (JVM running for {} s)", app.getSimpleName(),
                    String.format("%.3f", (System.nanoTime() - started) / 1e9),
                    String.format("%.3f", java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() / 1e3));
            return context;
        } catch (Exception | LinkageError e) {
            log.error("{} failed to start", app.getSimpleName(), e);
            context.close();
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }

    private static StandardEnvironment environment(String[] args, ClassLoader loader) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.setConversionService(new ApplicationConversionService());
        MutablePropertySources sources = environment.getPropertySources();
        if (args.length > 0) {
            sources.addFirst(new SimpleCommandLinePropertySource(args));
        }
        Properties application = load(APPLICATION_PROPERTIES, loader);
        // As in Spring Boot, an imported file's settings come before those of the file that imports it.
        for (String imported : imports(application.getProperty(IMPORT, ""))) {
            sources.addLast(new PropertiesPropertySource(CLASSPATH + imported, load(imported, loader)));
        }
        sources.addLast(new PropertiesPropertySource(CLASSPATH + APPLICATION_PROPERTIES, application));
        // What Spring Boot tells its structured log formats about the process (ECS's process.pid).
        sources.addLast(new MapPropertySource("applicationInfo",
                Map.of("spring.application.pid", ProcessHandle.current().pid())));
        ConfigurationPropertySources.attach(environment);
        return environment;
    }

    private static List<String> imports(String value) {
        List<String> files = new ArrayList<>();
        for (String entry : value.split(",")) {
            String file = entry.strip();
            if (file.isEmpty()) {
                continue;
            }
            if (!file.startsWith(CLASSPATH)) {
                throw new IllegalStateException(IMPORT + " in " + APPLICATION_PROPERTIES + " names '" + file
                        + "': a function reads classpath: imports only");
            }
            files.add(file.substring(CLASSPATH.length()));
        }
        return files;
    }

    private static Properties load(String name, ClassLoader loader) {
        try {
            return PropertiesLoaderUtils.loadProperties(new ClassPathResource(name, loader));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the class path: " + e.getMessage(), e);
        }
    }

    private static LoggingSystem logging(StandardEnvironment environment, ClassLoader loader) {
        LoggingSystem logging = LoggingSystem.get(loader);
        logging.beforeInitialize();
        logging.initialize(new LoggingInitializationContext(environment), environment.getProperty("logging.config"),
                LogFile.get(environment));
        Binder.get(environment).bind("logging.level", Bindable.mapOf(String.class, LogLevel.class))
                .ifBound(levels -> levels.forEach((name, level) -> logging.setLogLevel(
                        name.equalsIgnoreCase(LoggingSystem.ROOT_LOGGER_NAME) ? null : name, level)));
        return logging;
    }

    /** The bean registrations Spring AOT generated for {@code app} at build time. */
    @SuppressWarnings("unchecked")
    private static ApplicationContextInitializer<GenericApplicationContext> aotInitializer(Class<?> app) {
        String name = app.getName() + "__ApplicationContextInitializer";
        try {
            return (ApplicationContextInitializer<GenericApplicationContext>) Class.forName(name, true,
                    app.getClassLoader()).getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("spring.aot.enabled is set but " + name + " is missing: the app was"
                    + " built without Spring AOT's process-aot", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make " + name + ": " + e.getMessage(), e);
        }
    }
}
