package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.Macro;
import io.github.zoomcam.fiji.ZoomCamService;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.scijava.Cancelable;
import org.scijava.Context;
import org.scijava.app.StatusService;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.display.DisplayService;
import org.scijava.log.LogLevel;
import org.scijava.log.LogService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.prefs.PrefService;
import org.scijava.service.Service;

/**
 * Runs the Zoom-CAM commands as Fiji does, minus imagej-legacy: a minimal SciJava Context, commands found
 * by their menu label in the plugin index, and ImageJ macro option strings ("key=value key=[a b]")
 * turned into inputs exactly as imagej-legacy's MacroPreprocessor does it, with
 * {@link Macro#getValue(String, String, String)} per input name. A key that names no parameter, or a bare
 * key without "=value" (ignored by Fiji for SciJava commands), fails the run, so a renamed parameter
 * breaks the build. ImagePlus inputs receive the "active" image.
 */
final class CommandHarness implements AutoCloseable {

	static {
		// Persisted parameter values (SciJava's PrefService, java.util.prefs) go to target/, never to the
		// user's own preferences; each run clears its command's values first.
		System.setProperty("java.util.prefs.userRoot", Paths.get("target", "test-prefs").toAbsolutePath()
			.toString());
	}

	final Context context;
	final CommandService commands;
	final ModuleService modules;

	/** Every message logged through SciJava's LogService, as "LEVEL message" (e.g. "WARN Ignoring ..."). */
	final List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());

	CommandHarness() {
		// DisplayService: SciJava's display postprocessor runs after each command as in Fiji, so an output it
		// cannot show headless is reported here as Fiji reports it ("Ignoring unsupported output").
		context = new Context(CommandService.class, StatusService.class, LogService.class, PrefService.class,
			DisplayService.class, ZoomCamService.class);
		commands = context.service(CommandService.class);
		modules = context.service(ModuleService.class);
		context.service(LogService.class).addLogListener(message -> logged.add(LogLevel.prefix(message.level())
			.toUpperCase(java.util.Locale.ROOT) + " " + message.text()));
	}

	/** The logged lines containing a text. */
	List<String> logged(final String text) {
		synchronized (logged) {
			return logged.stream().filter(l -> l.contains(text)).toList();
		}
	}

	/** Our command with this menu label (the last menu path entry), e.g. "Explain Image...". */
	CommandInfo command(final String menuLabel) {
		for (final CommandInfo info : commands.getCommands()) {
			if (!info.getClassName().startsWith("io.github.zoomcam.")) continue;
			if (info.getMenuPath() != null && info.getMenuPath().getLeaf() != null && menuLabel.equals(info
				.getMenuPath().getLeaf().getName()))
			{
				return info;
			}
		}
		throw new AssertionError("no Zoom-CAM command with the menu label '" + menuLabel + "'");
	}

	/** The keys of an option string, in order; fails on bare keys. */
	static List<String> keys(final String options) {
		final List<String> keys = new ArrayList<>();
		int i = 0;
		final String s = options.trim();
		while (i < s.length()) {
			while (i < s.length() && s.charAt(i) == ' ') i++;
			if (i >= s.length()) break;
			final int start = i;
			while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ' ') i++;
			final String key = s.substring(start, i);
			if (i >= s.length() || s.charAt(i) != '=') {
				throw new AssertionError("bare key '" + key + "' in \"" + options + "\": SciJava commands need " + key +
					"=true or " + key + "=false");
			}
			keys.add(key);
			i++;
			if (i < s.length() && s.charAt(i) == '[') {
				int depth = 0;
				for (; i < s.length(); i++) {
					if (s.charAt(i) == '[') depth++;
					else if (s.charAt(i) == ']' && --depth == 0) break;
				}
				if (i >= s.length()) throw new AssertionError("unclosed '[' in \"" + options + "\"");
				i++;
			}
			else {
				while (i < s.length() && s.charAt(i) != ' ') i++;
			}
		}
		return keys;
	}

	/** Macro options to inputs, as imagej-legacy does; every key must name an input. */
	static Map<String, Object> inputs(final CommandInfo info, final String options, final ImagePlus active) {
		final List<String> names = new ArrayList<>();
		for (final ModuleItem<?> input : info.inputs()) {
			if (!injected(input)) names.add(input.getName());
		}
		for (final String key : keys(options)) {
			if (!names.contains(key)) {
				throw new AssertionError("'" + key + "' is not a parameter of \"" + info.getMenuPath().getLeaf().getName() +
					"\"; its parameters are " + names);
			}
		}
		final Map<String, Object> inputs = new LinkedHashMap<>();
		final String padded = options.endsWith(" ") ? options : options + " ";
		for (final ModuleItem<?> input : info.inputs()) {
			if (injected(input)) continue;
			if (ImagePlus.class.isAssignableFrom(input.getType())) {
				if (active != null) inputs.put(input.getName(), active);
				continue;
			}
			final String value = Macro.getValue(padded, input.getName(), null);
			if (value != null) inputs.put(input.getName(), value);
		}
		return inputs;
	}

	/** Services and the context are injected by SciJava, never given by a macro. */
	static boolean injected(final ModuleItem<?> input) {
		return Service.class.isAssignableFrom(input.getType()) || Context.class.isAssignableFrom(input.getType());
	}

	/** Runs a command by menu label with a macro option string, on the given active image. */
	Module run(final String menuLabel, final String options, final ImagePlus active) {
		final CommandInfo info = command(menuLabel);
		return run(info, inputs(info, options, active));
	}

	Module run(final CommandInfo info, final Map<String, Object> inputs) {
		context.service(PrefService.class).clear(classOf(info));
		try {
			return modules.run(info, true, inputs).get();
		}
		catch (final InterruptedException | ExecutionException e) {
			throw new AssertionError("command failed instead of cancelling: " + e, e);
		}
	}

	/** Creates the module first, so that a test can hold it (e.g. to cancel it) while it runs. */
	Module create(final String menuLabel) {
		final CommandInfo info = command(menuLabel);
		context.service(PrefService.class).clear(classOf(info));
		return modules.createModule(info);
	}

	Module run(final Module module, final String options, final ImagePlus active) {
		final CommandInfo info = module.getInfo() instanceof CommandInfo c ? c : command(module.getInfo()
			.getMenuPath().getLeaf().getName());
		try {
			return modules.run(module, true, inputs(info, options, active)).get();
		}
		catch (final InterruptedException | ExecutionException e) {
			throw new AssertionError("command failed instead of cancelling: " + e, e);
		}
	}

	private static Class<?> classOf(final CommandInfo info) {
		try {
			return info.loadClass();
		}
		catch (final Exception e) {
			throw new AssertionError(e);
		}
	}

	/** Whether the command cancelled (a validater or {@code cancel(reason)} in run). */
	static boolean canceled(final Module module) {
		return module instanceof Cancelable c && c.isCanceled();
	}

	/** The one-line reason of a cancelled command. */
	static String reason(final Module module) {
		return module instanceof Cancelable c ? c.getCancelReason() : null;
	}

	/** "[value]" for values with spaces, as the macro recorder writes them. */
	static String quote(final Object value) {
		final String text = String.valueOf(value);
		return text.contains(" ") ? "[" + text + "]" : text;
	}

	@Override
	public void close() {
		context.dispose();
	}
}
