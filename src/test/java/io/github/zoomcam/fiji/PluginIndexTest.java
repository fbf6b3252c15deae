package io.github.zoomcam.fiji;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonStreamParser;
import io.github.zoomcam.engine.CamMethod;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plugin index that goes into the jar lists the four commands under Plugins > Zoom-CAM, headless;
 * parameter names are snake_case macro keys that Macro.getValue cannot confuse; choice lists come from
 * the engine's enums.
 */
class PluginIndexTest {

	static final Map<String, String> COMMANDS = new LinkedHashMap<>();
	static {
		COMMANDS.put(ExplainImageCommand.class.getName(), "Plugins>Zoom-CAM>Explain Image...");
		COMMANDS.put(GeneratePseudoLabelsCommand.class.getName(), "Plugins>Zoom-CAM>Generate Pseudo-Labels...");
		COMMANDS.put(EvaluatePseudoLabelsCommand.class.getName(), "Plugins>Zoom-CAM>Evaluate Pseudo-Labels...");
		COMMANDS.put(ModelInfoCommand.class.getName(), "Plugins>Zoom-CAM>Model Info...");
	}

	@Test
	void theJarsIndexListsTheFourCommandsUnderPluginsZoomCam() throws IOException {
		final Path index = Paths.get("target", "classes", "META-INF", "json", "org.scijava.plugin.Plugin");
		assertTrue(Files.isRegularFile(index), "the annotation processor wrote " + index);
		final Map<String, String> found = new LinkedHashMap<>();
		final JsonStreamParser parser = new JsonStreamParser(Files.readString(index, StandardCharsets.UTF_8));
		while (parser.hasNext()) {
			final JsonObject entry = parser.next().getAsJsonObject();
			final JsonObject values = entry.getAsJsonObject("values");
			if (!values.get("type").getAsString().equals("org.scijava.command.Command")) continue;
			found.put(entry.get("class").getAsString(), values.get("menuPath").getAsString());
			assertTrue(values.get("headless").getAsBoolean(), entry + " runs headless");
		}
		assertEquals(COMMANDS, found);
	}

	@Test
	void parametersAreSnakeCaseAndNoKeyHidesAnother() {
		try (CommandHarness harness = new CommandHarness()) {
			for (final String menuPath : COMMANDS.values()) {
				final String label = menuPath.substring(menuPath.lastIndexOf('>') + 1);
				final CommandInfo info = harness.command(label);
				final List<String> names = new ArrayList<>();
				for (final ModuleItem<?> input : info.inputs()) {
					// services and the context are injected, never typed by a user
					if (Service.class.isAssignableFrom(input.getType()) || Context.class.isAssignableFrom(input.getType())) {
						continue;
					}
					names.add(input.getName());
				}
				assertTrue(names.size() >= 2, label + ": " + names);
				for (final String name : names) {
					assertTrue(name.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"), label + ": '" + name + "' is not snake_case");
					assertFalse(input(info, name).getLabel() == null || input(info, name).getLabel().isBlank(), label +
						": '" + name + "' has no label");
					// Macro.getValue finds "key=" anywhere not preceded by a letter: "x_map" would hide "map".
					for (final String other : names) {
						assertFalse(!other.equals(name) && other.endsWith("_" + name), label + ": '" + other + "' hides '" +
							name + "' from Macro.getValue");
					}
				}
			}
		}
	}

	private static ModuleItem<?> input(final CommandInfo info, final String name) {
		return info.getInput(name);
	}

	@Test
	void methodChoicesAreTheEnginesMethods() {
		try (CommandHarness harness = new CommandHarness()) {
			final Module module = harness.create(CommandText.EXPLAIN);
			module.initialize();
			final List<String> ids = Arrays.stream(CamMethod.values()).map(CamMethod::id).toList();
			assertEquals(ids, module.getInfo().getInput("method").getChoices());
			assertEquals(List.of("auto", "cpu", "gpu"), module.getInfo().getInput("device").getChoices());
			assertEquals(List.of("largest", "all"), module.getInfo().getInput("keep").getChoices());
			assertTrue(ids.contains(CommandText.METHOD_DEFAULT));
		}
		catch (final Exception e) {
			throw new AssertionError(e);
		}
	}
}
