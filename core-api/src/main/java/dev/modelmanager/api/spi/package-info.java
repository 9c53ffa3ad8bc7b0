/**
 * The provider SPI: bundles that know how to run a kind of model register a {@link dev.modelmanager.api.spi.ModelProvider}
 * service (whiteboard); bundles that know a kind of device register a {@link dev.modelmanager.api.spi.DeviceProvider}.
 * The manager picks a provider for each requirement, asks it to load the model, and calls the loaded model
 * through the capability interfaces it implements ({@link dev.modelmanager.api.spi.EmbeddingModel},
 * {@link dev.modelmanager.api.spi.GenerationModel}, {@link dev.modelmanager.api.spi.ChatModel},
 * {@link dev.modelmanager.api.spi.ClassificationModel}, {@link dev.modelmanager.api.spi.Text2TextModel}).
 */
@Export
@Version("0.3.0")
package dev.modelmanager.api.spi;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
