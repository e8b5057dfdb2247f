"""torchvision's own input transform for the `torchvision` convention, as a reference for LayerProbe's preprocessing.

usage: torchvision_transform.py SIZE OUT_DIR IMAGE...
For each IMAGE (index i) writes OUT_DIR/i.rgb (PIL's decode: height, width as two little-endian int32, then the RGB
bytes) and OUT_DIR/i.f32 (raw float32, 3xSIZExSIZE): PIL decode, ToTensor (RGB, /255), Resize((SIZE, SIZE)) bilinear
without antialiasing (the plain resize LayerProbe's warp does for a whole image), Normalize(ImageNet mean, std).
"""
import os, sys
import numpy as np
from PIL import Image
import torchvision.transforms as T

size, out, images = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
transform = T.Compose([
    T.ToTensor(),
    T.Resize((size, size), interpolation=T.InterpolationMode.BILINEAR, antialias=False),
    T.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
])
os.makedirs(out, exist_ok=True)
for i, path in enumerate(images):
    image = Image.open(path).convert("RGB")
    pixels = np.asarray(image, dtype=np.uint8)
    with open(os.path.join(out, f"{i}.rgb"), "wb") as f:
        f.write(np.array(pixels.shape[:2], dtype="<i4").tobytes())
        f.write(pixels.tobytes())
    transform(image).numpy().astype("<f4").tofile(os.path.join(out, f"{i}.f32"))
