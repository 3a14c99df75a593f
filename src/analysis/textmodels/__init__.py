"""Theme and sentiment models: features, training, the model cache, classification of comments."""
