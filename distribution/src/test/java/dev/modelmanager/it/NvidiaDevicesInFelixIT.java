package dev.modelmanager.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Hashtable;
import java.util.List;
import java.util.function.BooleanSupplier;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

import dev.modelmanager.api.ModelManager;
import dev.modelmanager.api.spi.DeviceInfo;
import dev.modelmanager.api.spi.DeviceProvider;

/**
 * The NVIDIA device bundle inside Felix with the JNA bundle the distribution ships: its DeviceProvider reaches the
 * manager, NVML is looked up for real (where no driver is installed, {@code model:devices} ends with the reason; on a
 * GPU machine the GPUs are listed), and configured through Config Admin to read a fake nvidia-smi it lists its GPU.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class NvidiaDevicesInFelixIT {
    private static final String BUNDLE = "dev.modelmanager.device.nvidia";
    private static final String PID = "dev.modelmanager.device.nvidia";

    @Inject
    private BundleContext context;

    @Inject
    private ModelManager manager;

    @Inject
    private CommandProcessor commands;

    @Inject
    private ConfigurationAdmin configurations;

    @Configuration
    public Option[] config() {
        return FelixOptions.distribution(true);
    }

    @Test
    public void theGpusOrWhyThereIsNoneThenAGpuFromAConfiguredNvidiaSmi() throws Exception {
        await("the bundle's DeviceProvider", () -> providers().stream()
            .anyMatch(r -> BUNDLE.equals(r.getBundle().getSymbolicName())));

        List<DeviceInfo> gpus = manager.status().devices().stream().filter(DeviceInfo::isGpu).toList();
        String devices = Gogo.run(commands, "model:devices");
        if (gpus.isEmpty()) {
            List<String> problems = manager.status().deviceProblems();
            assertThat(problems).singleElement().asString().startsWith("no NVIDIA GPU");
            if (!Files.exists(Path.of("/usr/bin/nvidia-smi"))) {
                assertThat(problems.get(0)).startsWith("no NVIDIA GPU: libnvidia-ml.so.1 not found and nvidia-smi ");
            }
            assertThat(devices.strip().lines().toList()).last().isEqualTo(problems.get(0));
        } else {
            assertThat(gpus.get(0).id()).isEqualTo("cuda:0");
            assertThat(gpus.get(0).name()).contains("(GPU ");
            assertThat(devices).contains("cuda:0");
        }

        Path smi = Files.createTempDirectory("fake-nvidia-smi").resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '0, GPU-3f9c2a71-8e4b-4d0a-9b6e-2c1d5a7f8e90, NVIDIA H200, 143771, "
            + "143213, 0'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        org.osgi.service.cm.Configuration nvidia = configurations.getConfiguration(PID, "?");
        Hashtable<String, Object> settings = new Hashtable<>();
        settings.put("nvml.library", "libnvidia-ml-not-installed.so.1");
        settings.put("nvidia.smi", smi.toString());
        nvidia.update(settings);
        try {
            await("the GPU of the configured nvidia-smi", () -> manager.status().devices().stream()
                .anyMatch(d -> d.name().equals("NVIDIA H200 (GPU 0, GPU-3f9c2a71-8e4b-4d0a-9b6e-2c1d5a7f8e90)")));
            assertThat(Gogo.run(commands, "model:devices").lines().toList().get(1)).startsWith("cuda:0")
                .contains("NVIDIA H200").contains("140.4 GiB");
            assertThat(manager.status().deviceProblems()).isEmpty();
        } finally {
            nvidia.delete();
        }
    }

    private List<ServiceReference<DeviceProvider>> providers() {
        try {
            return List.copyOf(context.getServiceReferences(DeviceProvider.class, null));
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
