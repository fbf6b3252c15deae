package io.github.zoomcam.fiji;

import java.lang.reflect.InvocationTargetException;
import java.util.Map;

import org.scijava.Priority;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.run.AbstractCodeRunner;
import org.scijava.run.CodeRunner;

/**
 * Runs the Zoom-CAM commands for Fiji's {@code --run "Menu Label..." "key='value',..."} and for
 * RunService. The commands build their choice lists at run time (DynamicCommand), and SciJava's own
 * command runner cannot wait for such a command (CommandService returns no Future for it); this runner
 * goes through ModuleService instead and waits until the command has finished, so a headless Fiji does
 * not shut down under a running batch.
 */
@Plugin(type = CodeRunner.class, priority = Priority.HIGH)
public class ZoomCamCommandRunner extends AbstractCodeRunner {

	@Parameter
	private CommandService commandService;

	@Parameter
	private ModuleService moduleService;

	@Override
	public boolean supports(final Object code) {
		return info(code) != null;
	}

	@Override
	public void run(final Object code, final Object... args) throws InvocationTargetException {
		waitFor(moduleService.run(info(code), true, args));
	}

	@Override
	public void run(final Object code, final Map<String, Object> inputMap) throws InvocationTargetException {
		waitFor(moduleService.run(info(code), true, inputMap));
	}

	/** One of our commands, by class, class name, menu label ("Explain Image...") or title with '_' for ' '. */
	private CommandInfo info(final Object code) {
		if (code instanceof Class<?> c) return ours(commandService.getCommand(c.getName()));
		if (!(code instanceof String text)) return null;
		final CommandInfo byName = ours(commandService.getCommand(text));
		if (byName != null) return byName;
		final String label = text.replace('_', ' ');
		for (final CommandInfo info : commandService.getCommands()) {
			if (ours(info) == null) continue;
			final String leaf = info.getMenuPath() == null || info.getMenuPath().getLeaf() == null ? null : info
				.getMenuPath().getLeaf().getName();
			if (label.equals(leaf) || label.equals(info.getTitle())) return info;
		}
		return null;
	}

	private static CommandInfo ours(final CommandInfo info) {
		return info != null && info.getClassName().startsWith(ZoomCamCommandRunner.class.getPackageName() + ".")
			? info : null;
	}
}
