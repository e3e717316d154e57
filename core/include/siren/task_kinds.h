#pragma once
// The task kinds' names, shared by the presets (torch-free) and the task registry.
#include <string>

namespace siren {

// Constant-initialised (not std::string) so registries may use them during static initialisation.
inline constexpr char kImageKind[] = "image";
inline constexpr char kSdfKind[] = "sdf";
inline constexpr char kAudioKind[] = "audio";
inline constexpr char kVideoKind[] = "video";
inline constexpr char kHelmholtzKind[] = "helmholtz";
inline constexpr char kWaveKind[] = "wave";
inline constexpr char kPoissonGradKind[] = "poisson-grad";
inline constexpr char kPoissonLaplKind[] = "poisson-lapl";
inline constexpr char kPoissonCompositeKind[] = "poisson-composite";
inline constexpr char kImageInpaintingKind[] = "image-inpainting";
inline constexpr char kImagePriorKind[] = "image-prior";
inline constexpr char kImageFromPriorKind[] = "image-from-prior";
inline constexpr char kInverseHelmholtzKind[] = "inverse-helmholtz";

}  // namespace siren
