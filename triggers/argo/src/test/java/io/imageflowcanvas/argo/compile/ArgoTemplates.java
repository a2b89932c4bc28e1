package io.imageflowcanvas.argo.compile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills in the Argo template tags the compiler emits, as Argo's controller would, for the tests: plain variables
 * ({@code {{workflow.name}}}) and the few expression forms used ({@code toJson} of a parameter, the empty-eTag
 * test, the output prefix with or without a variant, and a prefix of a {@code sha256sum} for the trace context;
 * sprig's {@code substr(start, end, s)}). Any other tag is refused, so a new form in the compiler needs a matching case here.
 */
final class ArgoTemplates {

    private static final Pattern TAG = Pattern.compile("\\{\\{(=?)(.+?)}}");
    private static final Pattern TO_JSON = Pattern.compile("toJson\\((.+)\\)");
    private static final Pattern EMPTY_OR_JSON = Pattern.compile("(.+) == '' \\? 'null' : toJson\\((.+)\\)");
    /** {@code toJson(a == '' ? b : b + '/' + a)}: the run's output prefix, its key or its key and variant. */
    private static final Pattern KEY_OR_VARIANT = Pattern.compile(
            "toJson\\((\\S+) == '' \\? (\\S+) : (\\S+) \\+ '/' \\+ (\\S+)\\)");
    /** {@code sprig.substr(0, 32, sprig.sha256sum(workflow.name + '/resize'))}: the steps' trace context. */
    private static final Pattern SUBSTR_OF_SHA256 = Pattern.compile(
            "sprig\\.substr\\((\\d+), (\\d+), sprig\\.sha256sum\\(([\\w.]+)(?: \\+ '([^']*)')?\\)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ArgoTemplates() {
    }

    /** {@code variables} by Argo's plain names: {@code inputs.parameters.input-key}, {@code workflow.name}. */
    static String substitute(String text, Map<String, String> variables) {
        Matcher tag = TAG.matcher(text);
        StringBuilder out = new StringBuilder();
        while (tag.find()) {
            String expression = tag.group(2).trim();
            String value;
            if (tag.group(1).isEmpty()) {
                value = variable(expression, variables);
            } else {
                Matcher emptyOrJson = EMPTY_OR_JSON.matcher(expression);
                Matcher toJson = TO_JSON.matcher(expression);
                Matcher substrOfSha256 = SUBSTR_OF_SHA256.matcher(expression);
                Matcher keyOrVariant = KEY_OR_VARIANT.matcher(expression);
                if (keyOrVariant.matches() && keyOrVariant.group(1).equals(keyOrVariant.group(4))
                        && keyOrVariant.group(2).equals(keyOrVariant.group(3))) {
                    String variant = variable(keyOrVariant.group(1), variables);
                    String key = variable(keyOrVariant.group(2), variables);
                    value = json(variant.isEmpty() ? key : key + "/" + variant);
                } else if (emptyOrJson.matches() && emptyOrJson.group(1).equals(emptyOrJson.group(2))) {
                    String argument = variable(name(emptyOrJson.group(1)), variables);
                    value = argument.isEmpty() ? "null" : json(argument);
                } else if (toJson.matches()) {
                    value = json(variable(name(toJson.group(1)), variables));
                } else if (substrOfSha256.matches()) {
                    String argument = variable(substrOfSha256.group(3), variables)
                            + (substrOfSha256.group(4) == null ? "" : substrOfSha256.group(4));
                    value = sha256Hex(argument).substring(Integer.parseInt(substrOfSha256.group(1)),
                            Integer.parseInt(substrOfSha256.group(2)));
                } else {
                    throw new IllegalArgumentException("no test evaluation for {{=" + expression + "}}");
                }
            }
            tag.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        tag.appendTail(out);
        return out.toString();
    }

    /** {@code inputs.parameters['input-key']} as the plain name {@code inputs.parameters.input-key}. */
    private static String name(String reference) {
        return reference.replaceAll("\\['([^']+)']", ".$1");
    }

    private static String variable(String name, Map<String, String> variables) {
        String value = variables.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no value for " + name);
        }
        return value;
    }

    /** Sprig's {@code sha256sum}: lowercase hex of the UTF-8 bytes' digest. */
    private static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(String value) {
        try {
            return JSON.writeValueAsString(TextNode.valueOf(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
