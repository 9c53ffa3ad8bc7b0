package dev.modelmanager.examples;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A component property type instance over a configuration map, as Declarative Services makes one (OSGi Compendium
 * 112.8.2: a single underscore in a method name is a dot, a double underscore one underscore), for calling an
 * {@code @Activate} constructor outside a framework. Values are converted to String or String[] only, which is what
 * the examples' types use.
 */
final class ComponentProperties {
    private ComponentProperties() {
    }

    static <A> A of(Class<A> type, Map<String, ?> config) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> type.getSimpleName() + config;
                };
            }
            if (method.getName().equals("annotationType")) {
                return type;
            }
            Object value = config.get(key(method));
            if (value == null) {
                return method.getDefaultValue();
            }
            return method.getReturnType() == String[].class ? new String[] {value.toString()} : value.toString();
        }));
    }

    static String key(Method method) {
        return method.getName().replace("__", "\0").replace('_', '.').replace('\0', '_');
    }
}
