import type { SocialLinks } from "../models/user";
import type { SocialLinksInput } from "../schemas/user";

/** The links worth storing: empty ones left out, nothing at all when none is left. */
export function storedSocialLinks(input: SocialLinksInput | undefined): SocialLinks | undefined {
  if (!input) return undefined;
  const links: SocialLinks = {
    ...(input.linkedin ? { linkedin: input.linkedin } : {}),
    ...(input.github ? { github: input.github } : {}),
    ...(input.other?.length ? { other: input.other } : {}),
  };
  return Object.keys(links).length > 0 ? links : undefined;
}
