export interface BingoPrompt {
  question: string;
  shortQuestion: string;
}

// Prompts are deliberately about work, learning and harmless hobbies so that
// nobody is singled out for their body, beliefs, family or background.
const entries: readonly (readonly [question: string, shortQuestion: string])[] = [
  ["has worked in more than one country", "Worked abroad"],
  ["has changed careers at least once", "Changed careers"],
  ["has given a talk at a conference", "Conference speaker"],
  ["has mentored someone in the past year", "Mentored someone"],
  ["has started their own business or side project", "Started a business"],
  ["has written a blog post or article about their work", "Wrote an article"],
  ["works fully remote", "Works fully remote"],
  ["has contributed to an open-source project", "Open-source contributor"],
  ["has hosted a podcast or webinar", "Hosted a podcast"],
  ["speaks at least three languages", "Speaks 3+ languages"],
  ["has led a team through a big change", "Led a big change"],
  ["has hired someone in the last year", "Hired someone recently"],
  ["has volunteered for a non-profit or community group", "Volunteers"],
  ["is attending this event for the first time", "First time here"],
  ["has won an award or a hackathon", "Won an award"],
  ["has taught a class or workshop", "Taught a workshop"],
  ["has the same job title as you", "Same job title"],
  ["works in an industry you have never worked in", "Different industry"],
  ["has published a book or research paper", "Published author"],
  ["can write code in at least one programming language", "Writes code"],
  ["has launched a product used by real customers", "Launched a product"],
  ["has worked at a startup with fewer than ten people", "Tiny startup veteran"],
  ["has worked at a company with over 10,000 employees", "Big company alum"],
  ["has negotiated a deal or partnership", "Negotiated a deal"],
  ["has organized a meetup or community event", "Organized an event"],
  ["is learning a new skill right now", "Learning a new skill"],
  ["has completed an online course this year", "Took an online course"],
  ["reads an industry newsletter every week", "Reads industry news"],
  ["has a favourite productivity tool they can demo", "Productivity tool fan"],
  ["has pitched an idea to investors", "Pitched investors"],
  ["has worked in hospitality or retail", "Worked in hospitality"],
  ["has moved to a new city for a job", "Moved for a job"],
  ["has a job title that did not exist ten years ago", "Brand-new job title"],
  ["has been interviewed by a journalist", "In the press"],
  ["plays a musical instrument", "Plays an instrument"],
  ["has a creative hobby like painting, writing or photography", "Creative hobby"],
  ["has read a book in the past month they would recommend", "Has a book tip"],
  ["can recommend a great podcast", "Has a podcast tip"],
  ["knows how to solve a Rubik's cube", "Solves a Rubik's cube"],
  ["has built something with AI tools this year", "Built with AI"],
  ["has run a design sprint or brainstorming workshop", "Ran a design sprint"],
  ["has worked with a client in another time zone", "Cross-time-zone work"],
  ["has given feedback that changed a product", "Shaped a product"],
  ["has written documentation that others rely on", "Writes great docs"],
  ["has switched between a technical and a non-technical role", "Switched role type"],
  ["is a member of a professional association", "Professional member"],
  ["has presented to a company's leadership team", "Presented to execs"],
  ["holds a certification in their field", "Certified pro"],
  ["has worked on a project that failed and learned from it", "Learned from a flop"],
  ["has a hidden talent they are happy to share", "Has a hidden talent"],
  ["has automated a boring task at work", "Automated a task"],
  ["has worked for a non-profit or public-sector organisation", "Non-profit or public"],
  ["has been to more than five networking events this year", "Networking regular"],
  ["has written a post that went viral", "Had a post go viral"],
  ["has worked on a team of more than 50 people", "Huge team"],
  ["already knows someone else at this event", "Knows someone here"],
  ["has worked in sales at some point", "Worked in sales"],
  ["has worked in customer support", "Did customer support"],
  ["prefers tea over coffee", "Tea over coffee"],
  ["keeps a plant alive at their desk", "Desk plant keeper"],
];

export const BINGO_PROMPT_BANK: readonly BingoPrompt[] = Object.freeze(
  entries.map(([question, shortQuestion]) =>
    Object.freeze({ question: `Find someone who ${question}`, shortQuestion }),
  ),
);

/** size² distinct prompts chosen uniformly at random from the bank. */
export function drawBingoGrid(size: number, random: () => number = Math.random): BingoPrompt[] {
  const count = size * size;
  if (!Number.isInteger(size) || size < 1 || count > BINGO_PROMPT_BANK.length) {
    throw new RangeError(`Cannot draw a ${size}×${size} grid from ${BINGO_PROMPT_BANK.length} prompts`);
  }
  const pool = BINGO_PROMPT_BANK.slice();
  for (let i = 0; i < count; i++) {
    // Clamp guards against a random() that returns exactly 1.
    const j = Math.min(i + Math.floor(random() * (pool.length - i)), pool.length - 1);
    const picked = pool[j] as BingoPrompt;
    pool[j] = pool[i] as BingoPrompt;
    pool[i] = picked;
  }
  return pool.slice(0, count).map((prompt) => ({ ...prompt }));
}
