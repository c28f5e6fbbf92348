// Android library module for Haven's bindings. Build the native libraries
// first (./build-android.sh), then `gradle assembleRelease` gives
// build/outputs/aar/haven-android-release.aar. Neither step can run without
// the Android SDK/NDK: see README.md.
plugins {
    id("com.android.library") version "8.7.3"
    id("org.jetbrains.kotlin.android") version "2.1.0"
}

android {
    namespace = "app.haven"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets {
        getByName("main") {
            // src/main/kotlin is written by bindings/generate.sh; the helpers
            // live beside it so that regeneration never touches them.
            java.srcDirs("src/main/kotlin", "src/helpers/kotlin")
            // build-android.sh puts libhaven_ffi.so under src/main/jniLibs/<abi>/.
            jniLibs.srcDirs("src/main/jniLibs")
        }
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }

    buildTypes {
        release {
            isMinifyEnabled = false
        }
    }
}

kotlin {
    jvmToolchain(17)
}

dependencies {
    // uniffi's Kotlin calls into the .so through JNA; the @aar variant
    // carries JNA's own native dispatch libraries for every Android ABI.
    implementation("net.java.dev.jna:jna:5.15.0@aar")
}
