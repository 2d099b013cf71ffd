/// ZeroLab's version, in one place: `zerolab --version` prints it and the UCI engine names
/// itself with it (`id name ZeroLab <version>`). CHANGELOG.md's newest section carries the same
/// version (`Unreleased` while it ends in `-dev`).
public enum ZeroLabVersion {
  /// The version, in Semantic Versioning form (`0.2.0-dev` between releases).
  public static let string = "0.2.0-dev"
}
