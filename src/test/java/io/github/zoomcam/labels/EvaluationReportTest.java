package io.github.zoomcam.labels;

import io.github.zoomcam.core.ZoomCamException;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvaluationReportTest {

	static final List<String> NAMES = List.of("bkg", "cat");

	static EvaluationReport zoomCam() {
		// IoU bkg 0.8, cat 0.5, mIoU 0.65 (ConfusionMatrixTest); localization 2/3, 1/3, 2/3 with class
		// errors 1/3 and 0 (LocalizationEvaluatorTest); MaxBoxAccV2 5/6 (MaxBoxAccV2Test).
		return EvaluationReport.of("Zoom-CAM").withSegmentation(NAMES, ConfusionMatrixTest.twoImages())
			.withLocalization(LocalizationEvaluatorTest.threeImages())
			.withMaxBoxAccV2(MaxBoxAccV2Test.twoImages().value()).withSmallObjectRecall(0.5);
	}

	@Test
	void segmentationTableLikeTableII() {
		final ConfusionMatrix onlyA = new ConfusionMatrix(1);
		onlyA.add(ConfusionMatrixTest.TRUTH_A, ConfusionMatrixTest.PRED_A);
		// Image A alone: bkg 5/7 = 71.4%, cat 50.0%, mIoU (5/7 + 1/2) / 2 = 60.7%.
		final EvaluationReport cam = EvaluationReport.of("CAM").withSegmentation(NAMES, onlyA);
		// Columns: method padded to 8 ("Zoom-CAM"), numbers right-aligned to 4, two spaces between.
		assertEquals(""
			+ "Method     bkg   cat  mIoU\n"
			+ "Zoom-CAM  80.0  50.0  65.0\n"
			+ "CAM       71.4  50.0  60.7\n", EvaluationReport.segmentationTable(List.of(zoomCam(), cam)));
	}

	@Test
	void localizationTableLikeTableI() {
		// Zoom-CAM: 66.7, 33.3, 66.7, 83.3, 50.0 percent; CAM has no scores ("-").
		// Column widths are the header lengths 13, 13, 16, 11 and 16; the method column is 8 wide.
		final String expected = ""
			+ "Method    Top-1 Loc Err  Top-5 Loc Err  GT-known Loc Acc  MaxBoxAccV2  Small-obj Recall\n"
			+ "Zoom-CAM" + " ".repeat(11) + "66.7" + " ".repeat(11) + "33.3" + " ".repeat(14) + "66.7"
			+ " ".repeat(9) + "83.3" + " ".repeat(14) + "50.0\n"
			+ "CAM     " + " ".repeat(14) + "-" + " ".repeat(14) + "-" + " ".repeat(17) + "-" + " ".repeat(12) + "-"
			+ " ".repeat(17) + "-\n";
		assertEquals(expected, EvaluationReport.localizationTable(List.of(zoomCam(), EvaluationReport.of("CAM"))));
	}

	@Test
	void csvRowsAsFractions() {
		final EvaluationReport report = zoomCam();
		assertEquals("method,iou_bkg,iou_cat,miou,top1_cls_err,top5_cls_err,top1_loc_err,top5_loc_err,"
			+ "gt_known_loc_acc,maxboxacc_v2,small_object_recall", report.csvHeader());
		assertEquals("Zoom-CAM,0.800000,0.500000,0.650000,0.333333,0.000000,0.666667,0.333333,0.666667,0.833333,0.500000",
			report.csvRow());
		// Missing scores are empty cells; a comma in the method name is quoted.
		assertEquals("\"CAM, layer4\",,,,,,,,", EvaluationReport.of("CAM, layer4").csvRow());
		assertEquals(report.csvHeader() + "\n" + report.csvRow() + "\n", EvaluationReport.csv(List.of(report)));
	}

	@Test
	void mismatchedClassesAreRejected() {
		assertThrows(ZoomCamException.class,
			() -> EvaluationReport.of("x").withSegmentation(List.of("bkg"), ConfusionMatrixTest.twoImages()));
		assertThrows(ZoomCamException.class,
			() -> EvaluationReport.segmentationTable(List.of(zoomCam(), EvaluationReport.of("y"))));
	}
}
