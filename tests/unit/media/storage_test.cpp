// media/storage: file layout and URLs, atomic writes, the data folder's size and the disk quota.
#include "media/storage.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.hpp"

namespace herd::media {
namespace {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() {
    std::string pattern = (fs::temp_directory_path() / "herd-media-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& path, std::size_t size) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << std::string(size, 'x');
}

TEST(MediaPaths, IdGroupsAndUrls) {
  EXPECT_EQ(relative_path(117683715472228352, "original", "png"),
            "media/117/683/715/472/228/352/original.png");
  EXPECT_EQ(relative_path(42, "small", "jpeg"), "media/000/000/000/000/000/042/small.jpeg");
  EXPECT_EQ(relative_path(1234567890123456789, "original", "mp4"),
            "media/001/234/567/890/123/456/789/original.mp4");
  EXPECT_EQ(url_path("media/117/683/715/472/228/352/original.png"),
            "/system/media_attachments/files/117/683/715/472/228/352/original.png");
}

TEST(MediaPaths, FromUrlOnlyWhatRelativePathProduces) {
  std::vector<std::string> groups{"117", "683", "715", "472", "228", "352"};
  EXPECT_EQ(relative_path_from_url(groups, "original.png"),
            "media/117/683/715/472/228/352/original.png");
  EXPECT_EQ(relative_path_from_url(groups, "small.webp"),
            "media/117/683/715/472/228/352/small.webp");
  EXPECT_FALSE(relative_path_from_url(groups, "original.html"));
  EXPECT_EQ(relative_path_from_url(groups, "static.png"),
            "media/117/683/715/472/228/352/static.png");  // a profile image's first frame
  EXPECT_FALSE(relative_path_from_url(groups, "preview.png"));
  EXPECT_FALSE(relative_path_from_url(groups, "upload.png"));  // waiting for the media worker
  EXPECT_FALSE(relative_path_from_url(groups, "original"));
  EXPECT_FALSE(relative_path_from_url(groups, "../../x.png"));
  EXPECT_FALSE(relative_path_from_url(groups, "original.png/../../etc"));
  EXPECT_FALSE(relative_path_from_url({"117", "..", "715"}, "original.png"));
  EXPECT_FALSE(relative_path_from_url({"117", "6831", "715"}, "original.png"));
  EXPECT_FALSE(relative_path_from_url({"117", "6a3"}, "original.png"));
  EXPECT_FALSE(relative_path_from_url({}, "original.png"));
}

TEST(MediaPaths, StillFramesBesideGifAndWebpProfileImages) {
  EXPECT_EQ(still_path("media/117/683/original.gif"), "media/117/683/static.png");
  EXPECT_EQ(still_path("media/117/683/original.webp"), "media/117/683/static.png");
  EXPECT_FALSE(still_path("media/117/683/original.png"));
  EXPECT_FALSE(still_path("media/117/683/small.webp"));
  EXPECT_FALSE(still_path("https://remote.example/original.gif"));
  EXPECT_FALSE(still_path(""));
  EXPECT_EQ(still_image_url("https://h.test", "media/117/683/original.gif", "x"),
            "https://h.test/system/media_attachments/files/117/683/static.png");
  EXPECT_EQ(still_image_url("https://h.test", "media/117/683/original.jpeg", "same"), "same");
}

TEST(MediaFiles, AtomicWriteLeavesOnlyTheFile) {
  TempFolder tmp;
  fs::path target = tmp.path() / "a" / "b" / "original.png";
  write_file_atomically(target, "hello");
  std::ifstream in(target, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "hello");
  int files = 0;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    (void)entry;
    ++files;
  }
  EXPECT_EQ(files, 1);                // no temporary file left behind
  write_file_atomically(target, "");  // empty files too
  EXPECT_EQ(fs::file_size(target), 0u);
}

TEST(MediaFiles, FolderSizeCountsRegularFiles) {
  TempFolder tmp;
  EXPECT_EQ(folder_size(tmp.path()), 0u);
  EXPECT_EQ(folder_size(tmp.path() / "missing"), 0u);
  write(tmp.path() / "herd.sqlite3", 1000);
  write(tmp.path() / "media" / "000" / "original.png", 234);
  EXPECT_EQ(folder_size(tmp.path()), 1234u);
}

TEST(MediaFiles, HumanSize) {
  EXPECT_EQ(human_size(0), "0 B");
  EXPECT_EQ(human_size(1023), "1023 B");
  EXPECT_EQ(human_size(1536), "1.5 KiB");
  EXPECT_EQ(human_size(10u << 20), "10.0 MiB");
  EXPECT_EQ(human_size(3ull << 30), "3.0 GiB");
}

TEST(Storage, StoresReadsAndRemovesKeepingTheSizeCurrent) {
  TempFolder tmp;
  write(tmp.path() / "herd.sqlite3", 100);
  Storage storage(tmp.path(), 0);
  EXPECT_EQ(storage.used_bytes(), 100u);
  std::string relative = relative_path(117683715472228352, "original", "png");
  storage.store(relative, std::string(50, 'p'));
  EXPECT_EQ(storage.used_bytes(), 150u);
  EXPECT_EQ(storage.read(relative), std::string(50, 'p'));
  storage.remove(relative);
  EXPECT_EQ(storage.used_bytes(), 100u);
  EXPECT_FALSE(storage.read(relative));
  EXPECT_FALSE(fs::exists(tmp.path() / "media" / "117"));  // emptied folders go too
  EXPECT_TRUE(fs::exists(tmp.path() / "media"));
  storage.remove(relative);  // a missing file is fine
}

TEST(Storage, QuotaRefusesWhatWouldNotFitAndStoresNothing) {
  TempFolder tmp;
  write(tmp.path() / "herd.sqlite3", 600);
  Storage storage(tmp.path(), 1000);
  storage.store(relative_path(1, "original", "png"), std::string(400, 'a'));  // exactly full
  EXPECT_EQ(storage.used_bytes(), 1000u);
  std::string refused = relative_path(2, "original", "png");
  try {
    storage.store(refused, "b");
    FAIL() << "expected the quota to refuse";
  } catch (const ApiError& error) {
    EXPECT_EQ(error.status(), 422);
    EXPECT_STREQ(error.what(), "Disk quota exceeded: 1000 B of 1000 B used");
  }
  EXPECT_FALSE(fs::exists(tmp.path() / refused));
  EXPECT_EQ(storage.used_bytes(), 1000u);
  storage.remove(relative_path(1, "original", "png"));  // freeing space makes room again
  storage.store(refused, std::string(300, 'b'));
  EXPECT_EQ(storage.used_bytes(), 900u);
}

TEST(Storage, OneStoragePerDataFolder) {
  TempFolder tmp;
  Config config;
  config.data_dir = tmp.path().string();
  config.disk_quota_bytes = 5;
  Storage& a = storage(config);
  Storage& b = storage(config);
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(a.quota_bytes(), 5u);
}

}  // namespace
}  // namespace herd::media
