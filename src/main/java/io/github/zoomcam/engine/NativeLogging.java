package io.github.zoomcam.engine;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The level of libtorch's own C++ log (c10), which writes straight to the process's stderr: on CPUs
 * without NNPACK support every convolution prints "[W... NNPACK.cpp:57] Could not initialize NNPACK!",
 * hundreds of lines per batch, into the terminal or Fiji's console. libtorch reads TORCH_CPP_LOG_LEVEL
 * only in c10::initLogging(), which Python's torch calls and DJL's JNI does not, so the variable alone
 * does nothing here; this sets c10's level variable (exported by libc10) directly through JNA, to the
 * level TORCH_CPP_LOG_LEVEL names, or to ERROR when it is not set.
 */
public final class NativeLogging {

	/** c10's levels, as TORCH_CPP_LOG_LEVEL names them. */
	private static final String[] LEVELS = { "INFO", "WARNING", "ERROR", "FATAL" };
	static final int DEFAULT_LEVEL = 2;
	private static final String LEVEL_SYMBOL = "FLAGS_caffe2_log_level";

	private NativeLogging() {}

	/**
	 * Applies the level; call after the PyTorch engine has loaded libc10. Best effort: returns what was done,
	 * for a debug log line, and never fails (a build without the symbol keeps its own level).
	 */
	static String apply() {
		final int level = level(System.getenv("TORCH_CPP_LOG_LEVEL"));
		try {
			final Pointer flag = levelVariable();
			if (flag == null) return "libtorch's C++ log level left as it is (libc10 not found)";
			flag.setInt(0, level);
			return "libtorch's C++ log level set to " + LEVELS[level];
		}
		catch (final RuntimeException | LinkageError e) {
			return "libtorch's C++ log level left as it is (" + e.getClass().getSimpleName() + ")";
		}
	}

	/** The level now in force in libc10 (0 INFO .. 3 FATAL), or -1 when it cannot be read. */
	public static int currentLevel() {
		try {
			final Pointer flag = levelVariable();
			return flag == null ? -1 : flag.getInt(0);
		}
		catch (final RuntimeException | LinkageError e) {
			return -1;
		}
	}

	/** TORCH_CPP_LOG_LEVEL's value as c10 reads it (a name or 0-3), else {@link #DEFAULT_LEVEL}. */
	static int level(final String text) {
		if (text == null || text.isBlank()) return DEFAULT_LEVEL;
		final String t = text.trim().toUpperCase(Locale.ROOT);
		for (int i = 0; i < LEVELS.length; i++) {
			if (LEVELS[i].equals(t) || String.valueOf(i).equals(t)) return i;
		}
		return DEFAULT_LEVEL;
	}

	private static Pointer levelVariable() {
		final Path library = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10"));
		if (!Files.isRegularFile(library)) return null;
		// The same handle as the engine's: the dynamic loader returns the library already loaded.
		return NativeLibrary.getInstance(library.toString()).getGlobalVariableAddress(LEVEL_SYMBOL);
	}
}
