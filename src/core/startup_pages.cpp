#include "core/startup_pages.hpp"

#include <link.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string_view>

namespace herd {

namespace {

long resident_pages() {
  long size = 0, resident = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &size, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident;
}

int release_object(dl_phdr_info* info, std::size_t, void*) {
  std::string_view name = info->dlpi_name ? info->dlpi_name : "";
  if (name.starts_with("linux-vdso") || name.starts_with("linux-gate")) return 0;
  auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    // Loaded, and never written: its pages are the file's (relocated data, made read-only after
    // loading, lies in a writable segment).
    if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W)) continue;
    std::uintptr_t start = info->dlpi_addr + segment.p_vaddr;
    std::uintptr_t end = start + segment.p_memsz;
    start = (start + page - 1) & ~(page - 1);  // whole pages of this segment only
    end &= ~(page - 1);
    if (end > start) madvise(reinterpret_cast<void*>(start), end - start, MADV_DONTNEED);
  }
  return 0;
}

}  // namespace

std::size_t release_startup_pages() {
  long before = resident_pages();
  dl_iterate_phdr(release_object, nullptr);  // objects loaded meanwhile are listed when complete
  long after = resident_pages();
  return before > after ? static_cast<std::size_t>(before - after) * sysconf(_SC_PAGESIZE) : 0;
}

}  // namespace herd
