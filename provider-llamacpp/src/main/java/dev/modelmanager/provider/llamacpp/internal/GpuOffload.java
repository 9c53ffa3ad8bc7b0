package dev.modelmanager.provider.llamacpp.internal;

import java.util.Locale;

import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.GpuSplitMode;
import dev.modelmanager.api.ModelException;
import dev.modelmanager.api.ModelRequirement;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.provider.llamacpp.gguf.GgufFile;

/**
 * How a GGUF model is laid over a GPU, from the device the manager chose and the requirement's options:
 * {@code n_gpu_layers} (default on a GPU: all of them, the output layer too; {@code -1} or {@code all} says the
 * same), {@code main_gpu} (default: the chosen GPU's index) and {@code tensor_split} (proportions per GPU, e.g.
 * {@code 3,1}: the layers split over several GPUs; without it the model stays on its one GPU, so that each instance
 * of a pool keeps to the GPU the manager gave it).
 *
 * @param layers      layers offloaded (more than the model's blocks: the output layer too)
 * @param mainGpu     the GPU that holds the model (split mode none) or its small tensors (layer split)
 * @param tensorSplit the proportions per GPU, or null for none
 */
record GpuOffload(int layers, int mainGpu, String tensorSplit) {

    /** The layout for a model on {@code device} (a GPU). */
    static GpuOffload of(ModelRequirement requirement, GgufFile gguf, DeviceInfo device) {
        int all = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(0, gguf.layers())) + 1;
        String asked = requirement.options().get("n_gpu_layers");
        int layers;
        if (asked == null || asked.strip().equalsIgnoreCase("all") || asked.strip().equals("-1")) {
            layers = all;
        } else {
            layers = Math.min(all, whole(asked, "n_gpu_layers", "-1 (all), all, or a number of layers from 0"));
        }
        int index = index(device.id());
        String main = requirement.options().get("main_gpu");
        int mainGpu = main == null ? index : whole(main, "main_gpu", "a GPU index from 0");
        String split = requirement.options().get("tensor_split");
        String proportions = split == null ? null : proportions(split);
        if (proportions != null && mainGpu >= proportions.split(",").length) {
            throw ModelException.invalidRequirement("options.main_gpu", "must be one of the " + proportions.split(",")
                .length + " GPUs tensor_split gives shares to (0 to " + (proportions.split(",").length - 1) + "), was "
                + mainGpu);
        }
        return new GpuOffload(layers, mainGpu, proportions);
    }

    /** The llama.cpp parameters for this layout. */
    ModelParameters apply(ModelParameters params) {
        params.setGpuLayers(layers).setMainGpu(mainGpu);
        if (tensorSplit == null) {
            return params.setSplitMode(GpuSplitMode.NONE);
        }
        return params.setSplitMode(GpuSplitMode.LAYER).setTensorSplit(tensorSplit);
    }

    /** For the model's details: {@code 13 of 13 layers and the output layer on cuda:0}. */
    String describe(GgufFile gguf, String device) {
        long blocks = gguf.layers();
        String what = layers > blocks ? blocks + " of " + blocks + " layers and the output layer"
            : layers + " of " + blocks + " layers";
        return what + (tensorSplit == null ? " on " + device : " split over GPUs as " + tensorSplit + " (main GPU "
            + mainGpu + ")");
    }

    /** N of {@code cuda:N}; {@code cuda} alone: 0. */
    static int index(String id) {
        int colon = id.indexOf(':');
        if (colon < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(id.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int whole(String value, String option, String expected) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ModelException.invalidRequirement("options." + option, "must be " + expected + ", was " + value);
    }

    /** {@code 3,1} as llama.cpp reads it: numbers of 0 or more, one per GPU, not all 0. */
    private static String proportions(String value) {
        String[] parts = value.strip().split("\\s*,\\s*");
        double sum = 0;
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            double share;
            try {
                share = Double.parseDouble(part);
            } catch (NumberFormatException e) {
                share = Double.NaN;
            }
            if (!(share >= 0) || Double.isInfinite(share)) {
                throw ModelException.invalidRequirement("options.tensor_split", "must be proportions per GPU, numbers "
                    + "of 0 or more separated by commas (e.g. 3,1), was " + value);
            }
            sum += share;
            out.append(out.length() == 0 ? "" : ",").append(part.toLowerCase(Locale.ROOT));
        }
        if (sum <= 0) {
            throw ModelException.invalidRequirement("options.tensor_split", "must give at least one GPU a share above "
                + "0, was " + value);
        }
        return out.toString();
    }
}
