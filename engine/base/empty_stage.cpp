// Placeholder translation unit for a pipeline stage that has no sources yet (CMake needs one to make a library).
namespace covenant::detail {
void empty_stage() {}
}  // namespace covenant::detail
