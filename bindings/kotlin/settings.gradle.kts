// The Haven core as an Android library (AAR): the uniffi-generated Kotlin,
// the small hand-written helpers, and libhaven_ffi.so per ABI.
// Needs the Android SDK (and, to build the .so files, the NDK): see README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "haven-android"
