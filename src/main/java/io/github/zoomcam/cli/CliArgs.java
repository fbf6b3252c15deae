package io.github.zoomcam.cli;

import io.github.zoomcam.core.ZoomCamException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** "--key value", "--key=value" and "--flag" options plus positional arguments, checked against a list. */
final class CliArgs {

	private final Map<String, String> options = new LinkedHashMap<>();
	private final List<String> positional = new ArrayList<>();

	CliArgs(final String command, final String[] args, final Set<String> valueOptions, final Set<String> flags) {
		for (int i = 0; i < args.length; i++) {
			final String a = args[i];
			if (a.startsWith("--")) {
				String key = a.substring(2);
				String value = null;
				final int eq = key.indexOf('=');
				if (eq >= 0) {
					value = key.substring(eq + 1);
					key = key.substring(0, eq);
				}
				if (flags.contains(key)) {
					options.put(key, value == null ? "true" : value);
				}
				else if (valueOptions.contains(key)) {
					if (value == null) {
						if (i + 1 >= args.length) throw new ZoomCamException("option --" + key + " needs a value");
						value = args[++i];
					}
					options.put(key, value);
				}
				else {
					throw new ZoomCamException("unknown option --" + key + " for '" + command +
						"'; run 'zoomcam help' for the options");
				}
			}
			else {
				positional.add(a);
			}
		}
	}

	String get(final String key, final String fallback) {
		return options.getOrDefault(key, fallback);
	}

	String require(final String key, final String hint) {
		final String v = options.get(key);
		if (v == null || v.isBlank()) throw new ZoomCamException("missing --" + key + ": " + hint);
		return v;
	}

	boolean flag(final String key) {
		return Boolean.parseBoolean(options.getOrDefault(key, "false"));
	}

	int integer(final String key, final int fallback, final int min) {
		final String v = options.get(key);
		if (v == null) return fallback;
		try {
			final int n = Integer.parseInt(v.trim());
			if (n < min) throw new NumberFormatException();
			return n;
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("--" + key + " must be a whole number >= " + min + ", got '" + v + "'");
		}
	}

	double number(final String key, final double fallback, final double min, final double max) {
		final String v = options.get(key);
		if (v == null) return fallback;
		try {
			final double x = Double.parseDouble(v.trim());
			if (!(x >= min && x <= max)) throw new NumberFormatException();
			return x;
		}
		catch (final NumberFormatException e) {
			throw new ZoomCamException("--" + key + " must be a number from " + min + " to " + max + ", got '" + v + "'");
		}
	}

	List<String> positional() {
		return positional;
	}
}
