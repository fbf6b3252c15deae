package io.github.zoomcam.fiji;

import ij.ImagePlus;
import ij.gui.Plot;
import ij.gui.PlotWindow;
import io.github.zoomcam.engine.train.EpochReport;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;

/**
 * Training loss, validation loss and validation score per epoch as an ImageJ plot; with a display, one
 * window redrawn after every epoch.
 */
final class TrainingPlot {

	private final String scoreName;
	private final int epochs;
	private final List<EpochReport> reports = new ArrayList<>();
	private PlotWindow window;

	TrainingPlot(final String scoreName, final int epochs) {
		this.scoreName = scoreName;
		this.epochs = epochs;
	}

	/** Adds an epoch; redraws the window when {@code show}. */
	void add(final EpochReport report, final boolean show) {
		reports.add(report);
		if (!show) return;
		final Plot plot = plot();
		if (window == null || window.isClosed()) window = plot.show();
		else window.drawPlot(plot);
	}

	/** The live window's image, or null when no window was shown (or it was closed). */
	ImagePlus shown() {
		return window == null || window.isClosed() ? null : window.getImagePlus();
	}

	ImagePlus image() {
		return plot().getImagePlus();
	}

	Plot plot() {
		final int n = reports.size();
		final double[] epoch = new double[n];
		final double[] loss = new double[n];
		final double[] validationLoss = new double[n];
		final double[] score = new double[n];
		double top = 1;
		for (int i = 0; i < n; i++) {
			final EpochReport r = reports.get(i);
			epoch[i] = r.epoch();
			loss[i] = r.trainLoss();
			validationLoss[i] = r.validationLoss();
			score[i] = r.validationScore();
			top = Math.max(top, Math.max(loss[i], validationLoss[i]));
		}
		final Plot plot = new Plot(CommandText.TRAINING_TITLE, "epoch", "loss, validation " + scoreName);
		plot.setLimits(0.5, Math.max(epochs, n) + 0.5, 0, Math.min(top, 10) * 1.05);
		plot.setColor(new Color(220, 80, 20));
		plot.setLineWidth(2);
		plot.add("connected circle", epoch, loss);
		plot.setColor(new Color(120, 120, 120));
		plot.add("connected circle", epoch, validationLoss);
		plot.setColor(Color.BLUE);
		plot.add("connected circle", epoch, score);
		plot.setLegend("training loss\tvalidation loss\tvalidation " + scoreName, Plot.AUTO_POSITION);
		return plot;
	}
}
